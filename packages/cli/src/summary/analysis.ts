// Builds the summary from slices: per function (calls, self and total time), per coroutine
// instance (slices, suspended time), per process and thread (names, slices). Memory grows with
// the number of functions, instances and threads, not with the number of slices, when the slices
// come parents first (streaming); otherwise ('sorted') each thread's slices are kept and sorted.
import type { SliceRecord, SliceSink } from './events';
import { CounterTable, type CounterStats } from './counters';
import { ThreadStack, type Finished } from './thread-stack';

export interface FunctionStats {
  name: string;
  file: string;
  line?: number;
  /** Calls: slices that are not the resumption of a coroutine instance. */
  calls: number;
  slices: number;
  selfNs: number;
  /** Outermost activations only: a recursive function's time counts once. */
  totalNs: number;
}

export interface InstanceStats {
  pid: number;
  tid: number;
  instance: number;
  name: string;
  file: string;
  slices: number;
  /** Time between its slices: from the first's start to the last's end, less the slices. */
  suspendedNs: number;
  runNs: number;
}

export interface ThreadStats {
  tid: number;
  name?: string;
  slices: number;
}

export interface ProcessStats {
  pid: number;
  name?: string;
  slices: number;
  threads: ThreadStats[];
}

export interface Summary {
  events: number;
  slices: number;
  /** B/E events: not summarised (our writers write X). */
  beginEnd: number;
  startNs: number;
  endNs: number;
  /** The most slices held at once on any thread (streaming: the depth; sorted: all of them). */
  peakHeld: number;
  functions: FunctionStats[];
  instances: InstanceStats[];
  processes: ProcessStats[];
  /** Counter tracks, by process and name. */
  counters: CounterStats[];
}

interface Instance {
  fn: number;
  slices: number;
  firstNs: number;
  lastNs: number;
  runNs: number;
}

interface Thread {
  stats: ThreadStats;
  stack: ThreadStack;
  /** 'sorted' mode: the thread's slices as [fn, start, dur] triples, in arrival order. */
  held?: number[];
}

export class Analysis implements SliceSink {
  private readonly fnIndex = new Map<string, number>();
  private readonly fns: FunctionStats[] = [];
  private readonly instances = new Map<string, Instance & { pid: number; tid: number; instance: number }>();
  private readonly threads = new Map<string, Thread>();
  private readonly processes = new Map<number, { name?: string; slices: number; threads: Map<number, Thread> }>();
  private events = 0;
  private slices = 0;
  private beginEnds = 0;
  private readonly counters = new CounterTable();
  private startNs = Infinity;
  private endNs = -Infinity;

  /** `streaming`: slices come parents first (each thread's last-ended first); else any order. */
  constructor(private readonly mode: 'streaming' | 'sorted') {}

  counted(): void {
    this.events++;
  }

  counter(pid: number, name: string, value: number): void {
    this.counters.add(pid, name, value);
  }

  beginEnd(): void {
    this.beginEnds++;
  }

  processName(pid: number, name: string): void {
    this.process(pid).name = name;
  }

  threadName(pid: number, tid: number, name: string): void {
    this.thread(pid, tid).stats.name = name;
  }

  slice(s: SliceRecord): void {
    const fn = this.function(s);
    const stats = this.fns[fn];
    stats.slices++;
    if (!s.index) stats.calls++; // a first run or a plain call; resumptions are not calls
    this.slices++;
    this.startNs = Math.min(this.startNs, s.startNs);
    this.endNs = Math.max(this.endNs, s.startNs + s.durNs);
    const thread = this.thread(s.pid, s.tid);
    thread.stats.slices++;
    this.process(s.pid).slices++;
    if (thread.held) thread.held.push(fn, s.startNs, s.durNs);
    else thread.stack.push(fn, s.startNs, s.durNs);
    if (s.instance !== undefined) this.instanceSlice(fn, s);
  }

  /** Every slice was given: finishes the nesting and returns the summary. */
  finish(): Summary {
    let peakHeld = 0;
    for (const thread of this.threads.values()) {
      if (thread.held) feedSorted(thread.held, thread.stack);
      thread.stack.end();
      peakHeld = Math.max(peakHeld, thread.held ? thread.held.length / 3 : thread.stack.peak);
    }
    const instances: InstanceStats[] = [];
    for (const i of this.instances.values()) {
      const fn = this.fns[i.fn];
      const suspendedNs = Math.max(0, i.lastNs - i.firstNs - i.runNs);
      instances.push({ pid: i.pid, tid: i.tid, instance: i.instance, name: fn.name, file: fn.file, slices: i.slices, suspendedNs, runNs: i.runNs });
    }
    const processes = [...this.processes].map(([pid, p]) => ({
      pid,
      name: p.name,
      slices: p.slices,
      threads: [...p.threads].map(([, t]) => t.stats).sort((a, b) => a.tid - b.tid),
    }));
    return {
      events: this.events,
      slices: this.slices,
      beginEnd: this.beginEnds,
      startNs: this.slices > 0 ? this.startNs : 0,
      endNs: this.slices > 0 ? this.endNs : 0,
      peakHeld,
      functions: this.fns,
      instances,
      processes: processes.sort((a, b) => a.pid - b.pid),
      counters: this.counters.list(),
    };
  }

  private function(s: SliceRecord): number {
    const key = `${s.cat}\0${s.name}`;
    let index = this.fnIndex.get(key);
    if (index === undefined) {
      index = this.fns.length;
      this.fnIndex.set(key, index);
      this.fns.push({ name: s.name, file: s.cat, line: s.line, calls: 0, slices: 0, selfNs: 0, totalNs: 0 });
    }
    return index;
  }

  private instanceSlice(fn: number, s: SliceRecord): void {
    const key = `${s.pid}:${s.tid}:${s.instance}`;
    const endNs = s.startNs + s.durNs;
    const i = this.instances.get(key);
    if (i === undefined) {
      this.instances.set(key, { pid: s.pid, tid: s.tid, instance: s.instance!, fn, slices: 1, firstNs: s.startNs, lastNs: endNs, runNs: s.durNs });
      return;
    }
    // An instance's slices follow one another: the gaps between them are the span less the slices.
    i.slices++;
    i.firstNs = Math.min(i.firstNs, s.startNs);
    i.lastNs = Math.max(i.lastNs, endNs);
    i.runNs += s.durNs;
  }

  private process(pid: number) {
    let p = this.processes.get(pid);
    if (p === undefined) {
      p = { slices: 0, threads: new Map() };
      this.processes.set(pid, p);
    }
    return p;
  }

  private thread(pid: number, tid: number): Thread {
    const key = `${pid}:${tid}`;
    let thread = this.threads.get(key);
    if (thread === undefined) {
      const finished = (f: Finished): void => {
        const stats = this.fns[f.fn];
        stats.selfNs += f.selfNs;
        if (f.outermost) stats.totalNs += f.durNs;
      };
      const streaming = this.mode === 'streaming';
      thread = { stats: { tid, slices: 0 }, stack: new ThreadStack(streaming, finished), held: streaming ? undefined : [] };
      this.threads.set(key, thread);
      this.process(pid).threads.set(tid, thread);
    }
    return thread;
  }
}

/**
 * Feeds a thread's slices (in file order) parents first: by start, the longer first; a slice
 * and its child can share start and end, and then the parent is the one written later.
 */
function feedSorted(held: number[], stack: ThreadStack): void {
  const order = Array.from({ length: held.length / 3 }, (_, i) => i);
  order.sort((a, b) => held[3 * a + 1] - held[3 * b + 1] || held[3 * b + 2] - held[3 * a + 2] || b - a);
  for (const i of order) stack.push(held[3 * i], held[3 * i + 1], held[3 * i + 2]);
}
