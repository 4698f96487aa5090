// The first pass of the one-pass .pftrace writer (stream-encoder.ts): over a thread's event
// codes, what a slice's begin packet shows but only its end decides (still open at the end, how
// a coroutine slice ended), the thread's own name, the time of its first packet; or null when
// one pass cannot write the thread (see stream-encoder.ts). Mirrors slices.ts's SliceExtractor.
import { msToNs } from '../format';
import { Ended, INSTANCE_SHIFT, KIND_MASK, WOKEN } from '../coroutine-kinds';
import { SIDE_SHIFT, SideKind } from '../side-events';
import type { ThreadSource } from '../chrome-json';
import type { ThreadCustomEvents } from './custom-events';

const NO_MARKS = new Int32Array(0);

export interface Scan {
  /** Time of the first packet (0 if none). */
  firstNs: number;
  /** Positions in the stream (over all chunks) of the enters still open at the end, ascending. */
  unfinished: Int32Array;
  /** Whether any slice is a coroutine's (marks must be read). */
  coroutines: boolean;
  /** How each coroutine slice ended (Ended; 0: still open at the end), in the order they begin. */
  ended: Uint8Array;
}

/** A growable typed array's worth of ints. */
class Ints {
  a = new Int32Array(1024);
  set(i: number, v: number): void {
    if (i >= this.a.length) {
      const grown = new Int32Array(Math.max(i + 1, this.a.length * 2));
      grown.set(this.a);
      this.a = grown;
    }
    this.a[i] = v;
  }
}

export function scanThread(thread: ThreadSource, offsetMs: number, maxDepth: number, custom: ThreadCustomEvents, sideValues: ArrayLike<unknown>): Scan | null {
  const scanner = new Scanner();
  let base = 0;
  let firstNs = Infinity;
  for (const chunk of thread.chunks()) {
    const { codes, times, length } = chunk;
    const marks = chunk.marks ?? NO_MARKS;
    for (let i = 0; i < length; i++) {
      const code = codes[i];
      if (code > 0) {
        if (scanner.top >= maxDepth) return null; // left out, and said by a note counting them all
        scanner.enter(base + i, i < marks.length ? marks[i] : 0);
        if (firstNs === Infinity) firstNs = msToNs(times[i] + offsetMs);
      } else if (code === 0) {
        const mark = i < marks.length ? marks[i] : 0;
        const kind = mark & KIND_MASK;
        if (kind === WOKEN || kind === 0) {
          scanner.waker = mark >>> INSTANCE_SHIFT;
          continue;
        }
        if (kind === SideKind.Args || kind === SideKind.Return) return null;
        const value = sideValues[mark >>> SIDE_SHIFT];
        if (kind === SideKind.ThreadName) custom.add(kind, value, 0);
        else if (kind === SideKind.Instant && firstNs === Infinity && Array.isArray(value) && typeof value[0] === 'string') firstNs = msToNs(times[i] + offsetMs);
      } else if (scanner.top >= -code && !scanner.exit(-code, i < marks.length ? marks[i] : 0)) return null;
    }
    base += length;
  }
  const unfinished = scanner.positions.a.slice(0, scanner.top);
  // What is open at the end ends there, unfinished (and may still draw a wake-up arrow).
  while (scanner.top > 0) if (!scanner.close(0)) return null;
  const { coroutines } = scanner;
  const ended = new Uint8Array(coroutines);
  for (let k = 0; k < coroutines; k++) ended[k] = scanner.ended.a[k];
  return { firstNs: firstNs === Infinity ? 0 : firstNs, unfinished, coroutines: coroutines > 0, ended };
}

/** The stack of open frames, as the SliceExtractor keeps it. */
class Scanner {
  top = 0;
  coroutines = 0;
  /** The instance that woke the next coroutine slice (0: none). */
  waker = 0;
  /** Per open frame: its stream position, coroutine slice number (-1: a plain call), instance and waker. */
  readonly positions = new Ints();
  private readonly ordinals = new Ints();
  private readonly instances = new Ints();
  private readonly wakers = new Ints();
  /** Per coroutine slice: how it ended. */
  readonly ended = new Ints();
  /** Per instance: whether a slice of it has ended (a wake-up arrow from it would be drawn). */
  private readonly hasEnded = new Ints();

  enter(position: number, mark: number): void {
    const top = this.top++;
    this.positions.set(top, position);
    if (mark === 0) {
      this.ordinals.set(top, -1);
      return;
    }
    this.ordinals.set(top, this.coroutines);
    this.ended.set(this.coroutines++, 0);
    this.instances.set(top, mark >>> INSTANCE_SHIFT);
    this.wakers.set(top, this.waker);
    this.waker = 0;
  }

  /** Exits frame `depth` (frames above it were left by an exception); false: a wake-up arrow. */
  exit(depth: number, endMark: number): boolean {
    while (this.top > depth) if (!this.close(Ended.Throw)) return false;
    return this.close(endMark);
  }

  /** Closes the top frame, ended by `endMark` (an exit's mark; 0: still open at the end). */
  close(endMark: number): boolean {
    const top = --this.top;
    const ord = this.ordinals.a[top];
    if (ord < 0) return true;
    this.ended.a[ord] = endMark & KIND_MASK;
    const wokenBy = this.wakers.a[top];
    if (wokenBy !== 0 && wokenBy < this.hasEnded.a.length && this.hasEnded.a[wokenBy] !== 0) return false;
    if (endMark !== 0) this.hasEnded.set(this.instances.a[top], 1);
    return true;
  }
}
