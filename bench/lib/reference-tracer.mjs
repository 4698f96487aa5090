// The floor the real recorder is measured against: the least a tracer with the same interface
// can do per call. One id and one clock read per event into preallocated typed arrays, a cursor,
// no bounds check, no on/off flag, no chunks. Sized by the caller to hold one run.

// Captured once: the global `performance` is an accessor in Node, so each lookup would be a getter
// call; the recorder reaches its clock through a module binding as well.
const clock = performance;

export class ReferenceTracer {
  constructor(capacity) {
    this.ids = new Int32Array(capacity);
    this.times = new Float64Array(capacity);
    this.cursor = 0;
  }

  /** What the injected header calls once per module; ids start at 1 as in the recorder. */
  register() {
    return 1;
  }

  enter(id) {
    const c = this.cursor;
    this.ids[c] = id;
    this.times[c] = clock.now();
    this.cursor = c + 1;
    return c + 1;
  }

  exit(frame) {
    const c = this.cursor;
    this.ids[c] = -frame;
    this.times[c] = clock.now();
    this.cursor = c + 1;
  }

  /** Events written since the last reset: two per call. */
  get events() {
    return this.cursor;
  }

  reset() {
    this.cursor = 0;
  }

  /** Replaces the arrays (same types, so the object keeps its shape). */
  resize(capacity) {
    this.ids = new Int32Array(capacity);
    this.times = new Float64Array(capacity);
    this.cursor = 0;
  }
}
