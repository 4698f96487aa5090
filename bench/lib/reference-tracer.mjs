// The floor the real recorder is measured against: the least a tracer with the same interface
// can do per call. One code and one clock read per event into preallocated typed arrays, a cursor,
// no bounds check, no on/off flag, no chunks. Sized by the caller to hold one run.
//
// Codes: > 0 a call of the function with that id (enter, or the first run of a generator or async
// function instance); <= 0 -((n << KIND_BITS) | kind): kind 0 is an exit (n the frame enter
// returned), any other kind a coroutine hook of instance n. So a trace could be decoded from it,
// and counting the calls is counting the codes above 0.
//
// Coroutines get no per-instance state: begin() hands out the next number of a counter, and every
// other hook just writes what it was told. The recorder's caught() and enteredFinally() read the
// clock only when they resume a suspended instance (a gen.throw(), a rejected await, a
// gen.return()); here they cannot tell, so they write their code with no time (a mark). fail() and
// end() close the instance's last slice, which the recorder times, so they read the clock too.

// Captured once: the global `performance` is an accessor in Node, so each lookup would be a getter
// call; the recorder reaches its clock through a module binding as well.
const clock = performance;

const KIND_BITS = 4;
const SUSPEND_AWAIT = 1;
const SUSPEND_YIELD = 2;
const RESUME_AWAIT = 3;
const RESUME_NEXT = 4;
const CAUGHT = 5;
const ENTERED_FINALLY = 6;
const FAIL = 7;
const END = 8;

export class ReferenceTracer {
  constructor(capacity) {
    this.ids = new Int32Array(capacity);
    this.times = new Float64Array(capacity);
    this.cursor = 0;
    this.instances = 0;
    // Instrumented code reads this before calling enter(), as it does on the real recorder.
    this.recording = true;
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
    this.ids[c] = -(frame << KIND_BITS);
    this.times[c] = clock.now();
    this.cursor = c + 1;
  }

  // ---------------------------------------------------------- generators and async functions

  begin(id) {
    const c = this.cursor;
    this.ids[c] = id;
    this.times[c] = clock.now();
    this.cursor = c + 1;
    return ++this.instances;
  }

  beginAsync(id) {
    return this.begin(id);
  }

  suspendAwait(co, value) {
    this.timed(-((co << KIND_BITS) | SUSPEND_AWAIT));
    return value;
  }

  suspendYield(co, value) {
    this.timed(-((co << KIND_BITS) | SUSPEND_YIELD));
    return value;
  }

  resumeAwait(co, value) {
    this.timed(-((co << KIND_BITS) | RESUME_AWAIT));
    return value;
  }

  resumeNext(co, value) {
    this.timed(-((co << KIND_BITS) | RESUME_NEXT));
    return value;
  }

  caught(co) {
    this.untimed(-((co << KIND_BITS) | CAUGHT));
  }

  enteredFinally(co) {
    this.untimed(-((co << KIND_BITS) | ENTERED_FINALLY));
  }

  fail(co) {
    this.timed(-((co << KIND_BITS) | FAIL));
  }

  end(co) {
    this.timed(-((co << KIND_BITS) | END));
  }

  timed(code) {
    const c = this.cursor;
    this.ids[c] = code;
    this.times[c] = clock.now();
    this.cursor = c + 1;
  }

  untimed(code) {
    const c = this.cursor;
    this.ids[c] = code;
    this.cursor = c + 1;
  }

  // ---------------------------------------------------------- read-back, untimed

  /** Events written since the last reset. */
  get events() {
    return this.cursor;
  }

  /** Whether the last run wrote more events than the arrays hold (the excess was dropped). */
  get overflowed() {
    return this.cursor > this.ids.length;
  }

  /** Calls since the last reset: plain calls plus coroutine instances. */
  get calls() {
    let calls = 0;
    for (let i = 0; i < this.cursor; i++) if (this.ids[i] > 0) calls++;
    return calls;
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
