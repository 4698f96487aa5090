// Writing one thread's recording to a file while the program runs (traceToFile and
// @panopticon/runtime/auto): each chunk of events is written as it fills and its memory reused,
// so a long run holds a chunk, not the whole recording. The file on disk is at every moment a
// trace the viewers open (process-stream.ts says how, per format).
import type { ProcessMeta, TraceMeta } from './chrome-json';
import { msToNs } from './format';
import type { Recorder } from './recorder';
import { openProcessStream } from './process-stream';
import { formatOfPath } from './perfetto/formats';

export interface RecorderStream {
  /** Writes what is left and closes the file; returns the number of events written. */
  finish(endMs: number): number;
}

export function streamRecorder(recorder: Recorder, path: string, meta: TraceMeta, extra: Pick<ProcessMeta, 'filters'> = {}): RecorderStream {
  const stream = openProcessStream(path, formatOfPath(path), { pid: meta.pid, name: meta.processName, ...extra });
  const thread = stream.thread(meta.tid, meta.threadName, recorder.functions, 0);
  recorder.streamChunksTo((chunk) => {
    try {
      thread.feed(chunk.codes, chunk.times, chunk.marks, 0, chunk.length);
      stream.flush();
      return true;
    } catch {
      return false; // kept in memory instead; written at the end
    }
  });
  let events = -1;
  return {
    finish(endMs) {
      if (events >= 0) return events;
      recorder.streamChunksTo(null);
      for (const chunk of recorder.chunks()) thread.feed(chunk.codes, chunk.times, chunk.marks, 0, chunk.length);
      thread.finish(msToNs(endMs));
      events = stream.close();
      return events;
    },
  };
}
