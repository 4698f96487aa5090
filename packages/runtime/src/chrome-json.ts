// Chrome Trace Event JSON: turns the recorder's enter/exit stream into complete (`X`) slices.
//
// The array form is written (`[{...},{...}]`): it starts with a metadata event, as Perfetto
// sniffs `[{"`, and a copy cut off mid-write still opens in both viewers. Each function's name,
// category and args are serialised once and reused for every slice of it.
import type { EventChunk } from './recorder';
import type { FunctionTable } from './function-table';
import { msToNs, nsToMicros } from './format';

export interface TraceMeta {
  pid: number;
  tid: number;
  processName: string;
  threadName: string;
}

export interface TraceSource {
  functions: FunctionTable;
  chunks(): EventChunk[];
}

/** Receives the trace text piece by piece. */
export type Sink = (text: string) => void;

const FLUSH_AT = 1 << 20;

/**
 * Writes the whole trace to `sink`. Slices still open at `endMs` are closed there and get
 * `"unfinished": true` in their args. Returns the number of trace events written.
 */
export function writeChromeTrace(source: TraceSource, meta: TraceMeta, endMs: number, sink: Sink): number {
  const out = new BufferedSink(sink);
  const head = `"pid":${meta.pid},"tid":${meta.tid}`;
  out.push(`[{"ph":"M","name":"process_name",${head},"ts":0,"args":{"name":${JSON.stringify(meta.processName)}}}`);
  out.push(`,\n{"ph":"M","name":"thread_name",${head},"ts":0,"args":{"name":${JSON.stringify(meta.threadName)}}}`);
  let events = 2;

  const fragments: string[] = [];
  const fragment = (id: number): string => fragments[id] ?? (fragments[id] = functionFragment(source.functions, id));
  const stackIds: number[] = [];
  const stackStarts: number[] = [];
  const slice = (id: number, startNs: number, endNs: number, unfinished: boolean): void => {
    out.push(
      `,\n{"ph":"X",${head},"ts":${nsToMicros(startNs)},"dur":${nsToMicros(endNs - startNs)},${fragment(id)}${unfinished ? ',"unfinished":true}}' : '}}'}`,
    );
    events++;
  };

  for (const chunk of source.chunks()) {
    const { codes, times, length } = chunk;
    for (let i = 0; i < length; i++) {
      const code = codes[i];
      if (code > 0) {
        stackIds.push(code);
        stackStarts.push(msToNs(times[i]));
      } else {
        const endNs = msToNs(times[i]);
        while (stackIds.length >= -code) slice(stackIds.pop()!, stackStarts.pop()!, endNs, false);
      }
    }
  }
  const endNs = msToNs(endMs);
  while (stackIds.length > 0) {
    const start = stackStarts.pop()!;
    slice(stackIds.pop()!, start, Math.max(start, endNs), true);
  }
  out.push(']\n');
  out.flush();
  return events;
}

function functionFragment(functions: FunctionTable, id: number): string {
  const info = functions.info(id);
  const file = JSON.stringify(info.file);
  return `"name":${JSON.stringify(info.name)},"cat":${file},"args":{"file":${file},"line":${info.line},"col":${info.col}`;
}

class BufferedSink {
  private parts: string[] = [];
  private size = 0;
  constructor(private readonly sink: Sink) {}
  push(text: string): void {
    this.parts.push(text);
    this.size += text.length;
    if (this.size >= FLUSH_AT) this.flush();
  }
  flush(): void {
    if (this.parts.length === 0) return;
    this.sink(this.parts.join(''));
    this.parts = [];
    this.size = 0;
  }
}
