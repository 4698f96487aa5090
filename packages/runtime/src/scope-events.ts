// A stretch of a recorder's events, cut out as a trace of its own (scoped tracing, scope.ts).
//
// The recorder's exit codes name absolute depths (`-frame`), and the slice extractor matches
// them against its own stack, which for a cut-out stretch starts empty. A scope that begins at
// depth 3 (inside a call while already recording) or that sees frames opened before it exit (the
// caller of an async scope returning) would otherwise leave every slice unfinished or close the
// wrong one. So the stretch is copied with its exits renumbered relative to the scope's own
// frames, and exits of frames opened before the scope are dropped.
import type { EventChunk } from './recorder';
import { Ended } from './coroutine-kinds';

/**
 * Events [from, to) of `chunks` (counted across them, oldest first), the recorder being at
 * `startDepth` at `from`, as one chunk of fresh arrays whose exits refer to the scope's frames.
 * Enters still open at `to` stay open: the writer closes them as unfinished.
 */
export function scopeEvents(chunks: ReadonlyArray<EventChunk>, from: number, to: number, startDepth: number): EventChunk {
  const size = Math.max(0, to - from);
  const codes = new Int32Array(size);
  const times = new Float64Array(size);
  const marks = new Int32Array(size);
  /** Absolute depths of the scope's open frames, innermost last (always increasing). */
  const open: number[] = [];
  let depth = startDepth;
  let n = 0;
  let base = 0; // index of the chunk's first event across all chunks
  for (const chunk of chunks) {
    const lo = Math.max(from - base, 0);
    const hi = Math.min(to - base, chunk.length);
    for (let i = lo; i < hi; i++) {
      const code = chunk.codes[i];
      let out = code;
      let mark = chunk.marks[i];
      if (code > 0) {
        open.push(++depth);
      } else if (code < 0) {
        const frame = -code;
        let keep = open.length;
        while (keep > 0 && open[keep - 1] >= frame) keep--;
        depth = frame - 1;
        if (keep === open.length) continue; // closes only frames opened before the scope
        // The frame exiting is the scope's own, or one outside it with the scope's frames above it
        // left by an exception: those end as thrown, as the writer would end them.
        if (open[keep] !== frame) mark = Ended.Throw;
        open.length = keep;
        out = -(keep + 1);
      }
      codes[n] = out;
      times[n] = chunk.times[i];
      marks[n] = mark;
      n++;
    }
    base += chunk.length;
    if (base >= to) break;
  }
  return { codes, times, marks, length: n };
}
