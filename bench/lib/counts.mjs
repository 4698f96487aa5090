// What a run recorded, counted after it (untimed) from the recorder's events.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
// A coroutine event's mark is (instance << 3) | kind; Resumed is a const enum, gone from dist.
const { KIND_MASK } = require('../../packages/runtime/dist/coroutine-kinds.js');
const FIRST_RUN = 1; // Resumed.First

/**
 * calls: plain calls plus generator and async function instances (an enter event whose mark is 0
 * or says "first run"); slices: enter events, each call's or each coroutine slice's; wakes: wake-up
 * events (code 0).
 */
export function recordedCounts(recorder) {
  let calls = 0;
  let slices = 0;
  let wakes = 0;
  for (const { codes, marks, length } of recorder.chunks()) {
    for (let i = 0; i < length; i++) {
      const code = codes[i];
      if (code > 0) {
        slices++;
        const mark = marks[i];
        if (mark === 0 || (mark & KIND_MASK) === FIRST_RUN) calls++;
      } else if (code === 0) wakes++;
    }
  }
  return { calls, slices, wakes };
}
