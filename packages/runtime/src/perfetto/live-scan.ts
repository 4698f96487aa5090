// The first pass of the streamed .pftrace writer (live-encoder.ts), over each batch of a thread's
// events as it is drained: which enters of the batch are still open at its end (their begin packets
// get room for what only their end decides), and how each coroutine slice begun in the batch ended.
// Its stack mirrors the encoder's: frames deeper than the depth limit are left out of both.
import { Ended, KIND_MASK } from '../coroutine-kinds';

export class BatchScanner {
  private depth = 0;
  /** Per open frame: its position in the batch that began it (-1: an earlier batch), coroutine ordinal (-1: plain). */
  private positions = new Int32Array(1024);
  private ordinals = new Int32Array(1024);
  /** Per coroutine slice begun in the batch, how it ended (0: still open at the batch's end). */
  ended = new Uint8Array(1024);
  /** Positions (from 0 at `from`) of the batch's enters still open at its end, ascending. */
  open = new Int32Array(0);

  constructor(private readonly maxDepth: number) {}

  scan(codes: Int32Array, marks: Int32Array, from: number, to: number): void {
    let coroutines = 0;
    for (let i = from; i < to; i++) {
      const code = codes[i];
      if (code > 0) {
        if (this.depth >= this.maxDepth) continue;
        if (this.depth === this.positions.length) this.grow();
        const mark = i < marks.length ? marks[i] : 0;
        this.positions[this.depth] = i - from;
        if (mark === 0) this.ordinals[this.depth] = -1;
        else {
          if (coroutines === this.ended.length) this.ended = grown(this.ended);
          this.ended[coroutines] = 0;
          this.ordinals[this.depth] = coroutines++;
        }
        this.depth++;
      } else if (code < 0 && this.depth >= -code) {
        while (this.depth > -code) this.close(Ended.Throw);
        this.close((i < marks.length ? marks[i] : 0) & KIND_MASK);
      }
    }
    let n = 0;
    for (let k = 0; k < this.depth; k++) if (this.positions[k] >= 0) n++;
    this.open = new Int32Array(n);
    n = 0;
    for (let k = 0; k < this.depth; k++) {
      if (this.positions[k] >= 0) this.open[n++] = this.positions[k];
      this.positions[k] = -1;
      this.ordinals[k] = -1;
    }
  }

  private close(ended: number): void {
    const ord = this.ordinals[--this.depth];
    if (ord >= 0) this.ended[ord] = ended;
  }

  private grow(): void {
    const positions = new Int32Array(this.positions.length * 2);
    positions.set(this.positions);
    this.positions = positions;
    const ordinals = new Int32Array(this.ordinals.length * 2);
    ordinals.set(this.ordinals);
    this.ordinals = ordinals;
  }
}

function grown(a: Uint8Array): Uint8Array<ArrayBuffer> {
  const b = new Uint8Array(a.length * 2);
  b.set(a);
  return b;
}
