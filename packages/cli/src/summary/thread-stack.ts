// Nesting on one thread: which slice is inside which, so each slice's self time (its duration
// less its children's) and whether it is the outermost activation of its function (recursion
// counts once in a total). Slices must come parents first (see OrderError); then only the slices
// open around the current one are held, at most the thread's depth.

/** Slices came in an order this stack cannot nest: summarise with every slice sorted instead. */
export class OrderError extends Error {}

export interface Finished {
  fn: number;
  durNs: number;
  selfNs: number;
  /** No enclosing slice on the thread is the same function. */
  outermost: boolean;
}

export class ThreadStack {
  private readonly fns: number[] = [];
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  private readonly childNs: number[] = [];
  private readonly outer: boolean[] = [];
  /** How many times each function is on the stack. */
  private readonly open = new Map<number, number>();
  private lastEnd = Infinity;
  /** The most slices held at once: the memory this thread needed. */
  peak = 0;

  /**
   * @param endsDescending the slices come last-ended first (a file written as slices end, read
   *   backwards): checked, since nesting them is right only then.
   */
  constructor(private readonly endsDescending: boolean, private readonly finished: (f: Finished) => void) {}

  push(fn: number, startNs: number, durNs: number): void {
    const endNs = startNs + durNs;
    if (this.endsDescending) {
      if (endNs > this.lastEnd) throw new OrderError();
      this.lastEnd = endNs;
    }
    // Whatever does not contain this slice has no more children to come: it is finished.
    while (this.fns.length > 0 && !(this.starts[this.fns.length - 1] <= startNs && endNs <= this.ends[this.fns.length - 1])) this.pop();
    const count = this.open.get(fn) ?? 0;
    this.open.set(fn, count + 1);
    this.fns.push(fn);
    this.starts.push(startNs);
    this.ends.push(endNs);
    this.childNs.push(0);
    this.outer.push(count === 0);
    this.peak = Math.max(this.peak, this.fns.length);
  }

  /** The thread has no more slices. */
  end(): void {
    while (this.fns.length > 0) this.pop();
  }

  private pop(): void {
    const fn = this.fns.pop()!;
    const durNs = this.ends.pop()! - this.starts.pop()!;
    const childNs = this.childNs.pop()!;
    const outermost = this.outer.pop()!;
    const count = this.open.get(fn)!;
    if (count === 1) this.open.delete(fn);
    else this.open.set(fn, count - 1);
    const top = this.childNs.length - 1;
    if (top >= 0) this.childNs[top] += durNs;
    // A child that overlaps its parent's end (not written by us) would make this negative.
    this.finished({ fn, durNs, selfNs: Math.max(0, durNs - childNs), outermost });
  }
}
