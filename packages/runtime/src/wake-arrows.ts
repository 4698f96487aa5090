// Writes wake-up arrows (see wakeups.ts) as v1 flow pairs: the coroutine slices already carry
// their instance chain in bind_id, and an X event has only one. Each arrow has a fresh id; the
// `s` sits 1 ns before the end of the waker's last slice, the `f` (bp "e") 1 ns into the woken
// slice, so each binds to its own slice and not to a neighbour that touches it.
import { nsToMicros } from './format';

export class WakeArrows {
  /** Per instance: a point inside its latest finished slice, in ns (0: none yet). */
  private lastSlicePoint = new Float64Array(1024);

  /** `ids` is shared by the threads of a process: arrow ids are unique in the file. */
  constructor(private readonly head: string, private readonly ids: { next: number }) {}

  sliceEnded(co: number, startNs: number, endNs: number): void {
    if (co >= this.lastSlicePoint.length) {
      const grown = new Float64Array(Math.max(co + 1, this.lastSlicePoint.length * 2));
      grown.set(this.lastSlicePoint);
      this.lastSlicePoint = grown;
    }
    this.lastSlicePoint[co] = Math.max(startNs, endNs - 1);
  }

  /** The `s` and `f` events of an arrow from instance `waker` into the slice [startNs, endNs]. */
  arrow(waker: number, startNs: number, endNs: number): string | null {
    const from = waker < this.lastSlicePoint.length ? this.lastSlicePoint[waker] : 0;
    if (from === 0) return null;
    const id = this.ids.next++;
    const to = Math.min(startNs + 1, endNs);
    const common = `"cat":"wakeup","name":"wakes",${this.head},"id":${id}`;
    return `,\n{"ph":"s",${common},"ts":${nsToMicros(from)}},\n{"ph":"f","bp":"e",${common},"ts":${nsToMicros(Math.max(to, from))}}`;
  }
}
