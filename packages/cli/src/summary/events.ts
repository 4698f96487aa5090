// What the summary is made of, whatever the trace's format: slices and the names of processes
// and threads. A source (Chrome JSON today, Perfetto protobuf later) turns its records into calls
// on a SliceSink; chromeEvents() does it for Chrome JSON events.
import type { TraceEvent } from '../trace-reader';

/** One slice. Sinks get a fresh object per call and may keep it. */
export interface SliceRecord {
  pid: number;
  tid: number;
  name: string;
  /** The category: the file, for slices our runtime writes. */
  cat: string;
  /** Where the function is (args.line), when known. */
  line?: number;
  /** Nanoseconds: integers, so sums are exact. */
  startNs: number;
  durNs: number;
  /** A coroutine slice's args: its instance (unique in its thread) and index in the instance. */
  instance?: number;
  index?: number;
}

export interface SliceSink {
  slice(slice: SliceRecord): void;
  processName(pid: number, name: string): void;
  threadName(pid: number, tid: number, name: string): void;
  /** Any event at all (slices, metadata, arrows, counters): for the event count. */
  counted(): void;
  /** A B/E (begin/end) event: not summarised, only counted so the report can say so. */
  beginEnd(): void;
  /** A counter sample on the process's track `name` (`name.key` for Chrome JSON's C events). */
  counter?(pid: number, name: string, value: number): void;
}

const toNs = (us: number): number => Math.round(us * 1000);
const int = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);

/** Hands one Chrome JSON event to `sink`. */
export function chromeEvent(event: TraceEvent, sink: SliceSink): void {
  sink.counted();
  const args = (event.args ?? {}) as Record<string, unknown>;
  switch (event.ph) {
    case 'X': {
      if (typeof event.ts !== 'number' || !Number.isFinite(event.ts)) return;
      const instance = args.instance;
      sink.slice({
        pid: int(event.pid),
        tid: int(event.tid),
        name: typeof event.name === 'string' ? event.name : String(event.name ?? ''),
        cat: typeof event.cat === 'string' ? event.cat : '',
        line: typeof args.line === 'number' ? args.line : undefined,
        startNs: toNs(event.ts),
        durNs: Math.max(0, toNs(int(event.dur))),
        instance: typeof instance === 'number' ? instance : undefined,
        index: typeof args.slice === 'number' ? args.slice : undefined,
      });
      return;
    }
    case 'M':
      if (typeof args.name !== 'string') return;
      if (event.name === 'process_name') sink.processName(int(event.pid), args.name);
      else if (event.name === 'thread_name') sink.threadName(int(event.pid), int(event.tid), args.name);
      return;
    case 'B':
    case 'E':
      sink.beginEnd();
      return;
    case 'C':
      for (const key of Object.keys(args)) {
        const value = args[key];
        if (typeof value === 'number') sink.counter?.(int(event.pid), `${String(event.name)}${event.id !== undefined ? `[${String(event.id)}]` : ''}.${key}`, value);
      }
      return;
  }
}
