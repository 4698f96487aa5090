// @panopticon/runtime: the recorder instrumented code reports to, and what turns it into a trace.
import { installRecorder, currentRecorder } from './registry';
import { onEveryExit } from './exit-hooks';
import { writeTraceFile, defaultMeta } from './trace-file';
import { WakeTracker } from './wakeups';
import { streamRecorder } from './trace-stream';
import { canStreamPerfetto } from './perfetto/live-stream';
import type { SliceLocations } from './slices';
import { formatOfPath } from './perfetto/formats';
import { clock } from './clock';
import { startCounterSampler } from './counter-sampler';

export { Recorder, CHUNK_EVENTS, type EventChunk } from './recorder';
export { FunctionTable, type FunctionInfo } from './function-table';
export { installRecorder, currentRecorder, uninstallRecorder, REGISTRY_KEY } from './registry';
export { writeChromeTrace, type TraceMeta, type Sink } from './chrome-json';
export { writeTraceFile, assertWritable, defaultMeta } from './trace-file';
export { clock } from './clock';
export { VERSION } from './version';
export { traceProcessThread, type ProcessTraceOptions } from './process-trace';
export { writeProcessTrace, type ProcessMeta, type ThreadSource } from './chrome-json';
export { Arena, type ArenaBuffers, type ThreadData } from './arena';
export { formatOfPath, parseFormat, FORMATS, type TraceFormat } from './perfetto/formats';
export { writePerfettoProcess } from './perfetto/process-writer';
export { writeProcessFile } from './perfetto/output';
export { GzipMembers } from './perfetto/gzip';
export { canStreamPerfetto } from './perfetto/live-stream';
export { counterFields } from './perfetto/custom-events';
export { SLICE_LOCATIONS, type SliceLocations, type WriteFilters } from './slices';
export { PerfettoWriter, Sequence, EventType, FIXED_ANNOTATIONS, MAX_ID_BLOCKS, annotateBool, annotateDouble, annotateInt, annotateString, annotateUint } from './perfetto/writer';
export { ByteWriter } from './perfetto/bytes';
export { ThreadSlices, FlowMode } from './perfetto/thread-slices';

export interface TraceToFileOptions {
  /** Where the trace goes. */
  output: string;
  /** The process's name in the trace; the command line by default. */
  processName?: string;
  /** No closing message on stderr. */
  quiet?: boolean;
  /**
   * Called after each write instead of printing the closing message (the `panopticon` command
   * prints it itself once the program has ended, after anything node prints on the way out).
   */
  onWritten?: (events: number, output: string) => void;
  /**
   * Draw wake-up arrows: from the slice that finishes an async function to the slice whose await
   * of its promise resumes. Off by default: it needs V8 promise hooks, which slow every promise.
   */
  wakeups?: boolean;
  /** Sample CPU, heap and event-loop counters: true (every 10 ms) or every this many ms. */
  counters?: boolean | number;
  /** How a .pftrace carries each slice's file, line and col: 'args' (default), 'interned' or 'none' (SliceLocations). */
  locations?: SliceLocations;
}

/**
 * Installs this thread's recorder, starts recording, and writes the trace to `output` on every
 * way the process can end that can be caught. The last line on stderr says where it is.
 */
export function traceToFile(options: TraceToFileOptions): void {
  const recorder = installRecorder();
  if (options.wakeups) recorder.enableWakeups(new WakeTracker());
  const meta = defaultMeta();
  if (options.processName) meta.processName = options.processName;
  // Written as the program runs, but a .pftrace with wake-up arrows (live-stream.ts): at the end.
  const streamable = formatOfPath(options.output) !== 'pftrace' || canStreamPerfetto({ wakeups: options.wakeups });
  const filters = { locations: options.locations };
  const stream = streamable ? streamRecorder(recorder, options.output, meta, { filters }) : null;
  recorder.start();
  if (options.counters) startCounterSampler(recorder, options.counters === true ? undefined : options.counters);
  onEveryExit(() => {
    const events = stream ? stream.finish(clock.now()) : writeTraceFile(options.output, recorder, meta, undefined, { filters });
    if (options.onWritten) options.onWritten(events, options.output);
    else if (!options.quiet) {
      process.stderr.write(
        `panopticon: wrote ${events} events to ${options.output} (open it at https://ui.perfetto.dev: "Open trace file")\n`,
      );
    }
  });
}

/** Whether this thread is recording. */
export function isRecording(): boolean {
  return currentRecorder()?.recording === true;
}

export { trace, startTrace, TraceScope, disposeSymbol, type ScopeOptions, type ScopeResult } from './scope';
export { traced, type TracedOptions } from './decorators';
export { renderValue, secretKeys, DEFAULT_SECRET_KEYS, type RenderOptions } from './value-render';
export { configureValues } from './value-capture';
export { instant, counter, nameThread, type EventArgs } from './custom-events';
export { SideKind, SIDE_SHIFT } from './side-events';
export { startCounterSampler, DEFAULT_COUNTER_INTERVAL_MS } from './counter-sampler';
