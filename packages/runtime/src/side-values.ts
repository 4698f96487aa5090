// Side-event payloads (side-events.ts) are kept only while an event in memory may name them: once
// the events are written out, dropped by a ring buffer or cleared, their payloads are let go (the
// slots stay, so indexes do not move; a released slot holds undefined). Without this, a long run
// with `--counters` would grow the heap it measures.
import { SIDE_KIND_MASK, SIDE_SHIFT } from './side-events';
import { WOKEN } from './coroutine-kinds';
import type { EventChunk } from './recorder';

/** The recorder's bookkeeping: where each chunk kept in memory starts in the side values. */
export class SideValueRelease {
  private released = 0;
  /** Per full chunk still kept, oldest first: the side values count when it began. */
  private readonly starts: number[] = [];
  private current = 0;

  constructor(private readonly values: unknown[]) {}

  /** The current chunk is full and kept in memory. */
  chunkKept(): void {
    this.starts.push(this.current);
    this.current = this.values.length;
  }

  /** The oldest chunk kept is let go (ring buffer). */
  oldestDropped(): void {
    this.starts.shift();
    releaseValues(this.values, this.released, this.starts[0] ?? this.current);
    this.released = Math.max(this.released, this.starts[0] ?? this.current);
  }

  /** Every event so far is gone from memory (written out, or cleared). */
  allGone(): void {
    this.starts.length = 0;
    this.current = this.values.length;
    releaseValues(this.values, this.released, this.current);
    this.released = this.current;
  }
}

/** Lets go of payloads [from, to). */
export function releaseValues(values: unknown[], from: number, to: number): void {
  if (to > from) values.fill(undefined, from, Math.min(to, values.length));
}

/** The payloads `chunk`'s side events name, copied (a sparse array at the same indexes). */
export function valuesNamedBy(chunk: EventChunk, values: ArrayLike<unknown>): unknown[] {
  const copy: unknown[] = [];
  for (let i = 0; i < chunk.length; i++) {
    if (chunk.codes[i] !== 0) continue;
    const mark = chunk.marks[i];
    const kind = mark & SIDE_KIND_MASK;
    if (kind === 0 || kind === WOKEN) continue;
    const index = mark >>> SIDE_SHIFT;
    copy[index] = values[index];
  }
  return copy;
}
