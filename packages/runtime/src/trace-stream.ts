// Writing one thread's recording to a file while the program runs (traceToFile and
// @panopticon/runtime/auto): each chunk of events is written as it fills and its memory reused,
// so a long run holds a chunk, not the whole recording; and every second what the current chunk
// holds so far is written too, so a quiet program killed later loses at most that second. The
// file on disk is at every moment a trace the viewers open (process-stream.ts says how, per format).
import type { ProcessMeta, TraceMeta } from './chrome-json';
import { msToNs } from './format';
import type { Recorder } from './recorder';
import { openProcessStream } from './process-stream';
import { formatOfPath } from './perfetto/formats';

/** How often the current chunk's new events are written (as the `panopticon` command drains). */
const WRITE_EVERY_MS = 1000;

export interface RecorderStream {
  /** Writes what is left and closes the file; returns the number of events written. */
  finish(endMs: number): number;
}

export function streamRecorder(recorder: Recorder, path: string, meta: TraceMeta, extra: Pick<ProcessMeta, 'filters'> = {}): RecorderStream {
  const stream = openProcessStream(path, formatOfPath(path), { pid: meta.pid, name: meta.processName, ...extra });
  const thread = stream.thread(meta.tid, meta.threadName, recorder.functions, 0);
  /** Events of the recorder's current chunk already written (by the timer). */
  let written = 0;
  /**
   * A write failed (a full disk): nothing more is written, the program runs on untouched, and
   * the file keeps what it has. (Recording stays on: the recorder keeps the chunks in memory.)
   */
  let failed = false;
  const write = (codes: Int32Array, times: Float64Array, marks: Int32Array, to: number): boolean => {
    if (failed) return false;
    try {
      if (to > written) thread.feed(codes, times, marks, written, to);
      stream.flush();
      return true;
    } catch {
      failed = true;
      return false;
    }
  };
  recorder.streamChunksTo((chunk) => {
    const ok = write(chunk.codes, chunk.times, chunk.marks, chunk.length);
    written = 0;
    return ok;
  });
  const timer = setInterval(() => {
    const chunks = recorder.chunks(); // the current chunk only, while every full one was written
    if (chunks.length !== 1) return;
    const [current] = chunks;
    if (write(current.codes, current.times, current.marks, current.length)) written = current.length;
  }, WRITE_EVERY_MS);
  timer.unref();
  let events = -1;
  return {
    finish(endMs) {
      if (events >= 0) return events;
      clearInterval(timer);
      recorder.streamChunksTo(null);
      const chunks = recorder.chunks();
      if (!failed && chunks.length === 1) {
        const [current] = chunks;
        write(current.codes, current.times, current.marks, current.length);
      }
      if (!failed) thread.finish(msToNs(endMs));
      events = stream.close();
      return events;
    },
  };
}
