// Wake-up arrows (opt-in): when an async function instance X finishes and that settles the
// promise another instance Y was awaiting, the trace gets an arrow from X's last slice to the
// slice where Y resumes.
//
// Instrumented code never sees an async function's own promise, so it is learnt from V8's promise
// hooks: the promise of an async function is created just before its body's first hook runs
// (before even its parameters), so the latest promise created without a parent when begin runs is
// the instance's. A WeakMap from that promise to the instance then tells, when Y awaits a value,
// whether it is an instance's promise. Promise hooks slow every promise down, and the map costs a
// lookup per await: that is why this is off unless asked for.
import type { PromiseHooks } from 'node:v8';

export class WakeTracker {
  private latestRootPromise: object | undefined = undefined;
  private readonly instanceOfPromise = new WeakMap<object, number>();
  /** Per awaiting instance: the instance whose promise it awaits (0: none known). */
  private awaited = new Int32Array(1024);
  private readonly stopHooks: () => void;

  constructor() {
    const hooks = (require('node:v8') as { promiseHooks: PromiseHooks }).promiseHooks;
    this.stopHooks = <() => void>hooks.onInit((promise: object, parent: object | undefined) => {
      if (parent === undefined) this.latestRootPromise = promise;
    });
  }

  /** An async function instance just began: the latest root promise is its own. */
  begun(co: number): void {
    const promise = this.latestRootPromise;
    if (promise === undefined) return;
    this.latestRootPromise = undefined;
    this.instanceOfPromise.set(promise, co);
  }

  /** Instance `co` awaits `value`. */
  awaiting(co: number, value: unknown): void {
    if (co >= this.awaited.length) {
      const grown = new Int32Array(Math.max(co + 1, this.awaited.length * 2));
      grown.set(this.awaited);
      this.awaited = grown;
    }
    this.awaited[co] = typeof value === 'object' && value !== null ? (this.instanceOfPromise.get(value) ?? 0) : 0;
  }

  /** Instance `co` resumes from its await: the instance whose promise woke it, or 0. */
  resuming(co: number): number {
    if (co >= this.awaited.length) return 0;
    const source = this.awaited[co];
    this.awaited[co] = 0;
    return source;
  }

  stop(): void {
    this.stopHooks();
  }
}
