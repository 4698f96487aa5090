// Tracing every thread of a process into one part file (the `panopticon` command's mode).
//
// The main thread creates the process's arena and hands it to workers through environment data;
// every thread, workers included (they run the same preload), records into it; at exit the main
// thread writes the part: all threads, times shifted onto the session's epoch. Workers write
// nothing themselves, so a worker that is terminated, or still busy when the main thread calls
// process.exit(), keeps what it recorded.
import { writeFileSync, unlinkSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import Module from 'node:module';
// The module object itself (an `import * as` namespace is a frozen copy): Worker is replaced on it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const workerThreads = require('node:worker_threads') as typeof import('node:worker_threads');
import { Arena, type ArenaBuffers } from './arena';
import { CHUNK_EVENTS } from './recorder';
import { installRecorder } from './registry';
import { clock } from './clock';
import { onEveryExit } from './exit-hooks';
import type { WriteFilters } from './chrome-json';
import { openProcessStream, type ProcessStream } from './process-stream';
import type { TraceFormat } from './perfetto/formats';
import { ArenaStream } from './arena-stream';
import { msToNs } from './format';

/** How often the main thread writes what every thread recorded (a kill loses at most this much). */
const DRAIN_EVERY_MS = 1000;
import { WakeTracker } from './wakeups';
import { startCounterSampler } from './counter-sampler';

const ARENA_KEY = 'panopticon.arena';

export interface ProcessTraceOptions {
  /** The part this process writes at exit, and the marker it leaves until then. */
  partPath: string;
  startedPath: string;
  /** Epoch ms that timestamp 0 stands for. */
  epochMs: number;
  /** Worker names are files relative to this. */
  cwd: string;
  wakeups?: boolean;
  /** Run-time filters for what is written. */
  filters?: WriteFilters;
  /** Ring-buffer mode: keep only each thread's newest N events, written at exit (0: stream all). */
  keepNewest?: number;
  /** Sample counters (CPU, heap, event loop; counter-sampler.ts) every this many ms in every thread. */
  counters?: number;
  /** The part's format (default: Chrome JSON) and, for parts concatenated into one .pftrace, its id block. */
  format?: TraceFormat;
  idBlock?: number;
  /** Called once the part is written (or could not be). */
  onWritten?: (events: number) => void;
}

/**
 * Starts recording this thread into the process's arena. Call it in every thread. Returns false,
 * and does nothing, in threads node starts for itself (the module hooks thread): only the main
 * thread and workers the program created (announced by the Worker proxy below) are traced.
 */
export function traceProcessThread(options: ProcessTraceOptions): boolean {
  const { isMainThread, threadId } = workerThreads;
  let arena: Arena | undefined;
  if (isMainThread) {
    arena = Arena.create(CHUNK_EVENTS);
    workerThreads.setEnvironmentData(ARENA_KEY, arena.buffers as never);
  } else {
    const buffers = workerThreads.getEnvironmentData(ARENA_KEY) as ArenaBuffers | undefined;
    if (buffers) arena = Arena.attach(buffers);
    if (arena && !arena.isAnnounced(threadId + 1)) return false;
  }
  let drainNow = (): void => {};
  const base = arena?.storageFor(threadId + 1, clock.timeOrigin);
  // The main thread drains the arena whenever it needs a new chunk itself: memory stays bounded
  // even while it is too busy for the timer.
  const storage = base && isMainThread ? { newChunk: (n: number) => (drainNow(), base.newChunk(n)), registered: base.registered, sideValue: base.sideValue, streams: base.streams } : base;
  const recorder = installRecorder(undefined, storage);
  if (options.wakeups) recorder.enableWakeups(new WakeTracker());
  recorder.start();
  if (options.counters) startCounterSampler(recorder, options.counters);
  if (arena) nameWorkers(arena, options.cwd);
  if (!isMainThread || !arena) return true;

  try {
    writeFileSync(options.startedPath, JSON.stringify({ pid: process.pid, ppid: process.ppid, argv: process.argv }));
  } catch {
    // the session is gone (its command was killed): the program runs on regardless
  }
  const offsetMs = clock.timeOrigin - options.epochMs;
  let stream: ProcessStream;
  try {
    const proc = { pid: process.pid, ppid: process.ppid, name: process.argv.join(' '), clockOffsetMs: offsetMs, filters: options.filters };
    stream = openProcessStream(options.partPath, options.format ?? 'json', proc, options.idBlock ?? 0);
  } catch {
    return true; // no session to write into: the program runs on, untraced
  }
  stream.flush(); // the process's name is on disk from the start: a killed process still shows
  const reader = new ArenaStream(
    arena,
    (tid, name, functions, timeOrigin) => stream.thread(tid, name, functions, timeOrigin - options.epochMs),
    (tid, name) => stream.renameThread(tid, name),
    options.keepNewest ?? 0,
  );
  let closed = false;
  drainNow = () => {
    if (closed) return;
    try {
      reader.drain();
      stream.flush();
    } catch {
      // a full disk or a closed session: the program must not notice
    }
  };
  setInterval(drainNow, DRAIN_EVERY_MS).unref();
  onEveryExit(() => {
    if (closed) return;
    drainNow();
    closed = true;
    reader.finish(msToNs(clock.now() + offsetMs));
    if (reader.dropped > 0) {
      // Nobody may be surprised by missing data: the trace and stderr both say what was let go.
      const note = `ring buffer: ${reader.dropped} older events dropped (each thread keeps its newest ${options.keepNewest})`;
      stream.noteDropped(reader.dropped, note);
      process.stderr.write(`panopticon: process ${process.pid}: ${note}\n`);
    }
    const events = stream.close();
    try {
      unlinkSync(options.startedPath);
    } catch {
      // the session is gone
    }
    options.onWritten?.(events);
  });
  return true;
}

/**
 * Names each worker thread after its `name` option or its file, as it is created: the name is
 * not visible inside the worker on this Node. `Worker` becomes a Proxy of itself whose construct
 * trap notes the name; the class, its prototype, `instanceof` and subclassing are unchanged.
 */
function nameWorkers(arena: Arena, cwd: string): void {
  const Original = workerThreads.Worker;
  const traced = new Proxy(Original, {
    construct(target, args: unknown[], newTarget) {
      const worker = Reflect.construct(target, args, newTarget) as InstanceType<typeof Original>;
      try {
        arena.nameThread(worker.threadId + 1, workerName(args[0], args[1], cwd));
      } catch {
        // naming is best effort; the worker runs regardless
      }
      return worker;
    },
  });
  (workerThreads as { Worker: typeof Original }).Worker = traced;
  (Module as unknown as { syncBuiltinESMExports(): void }).syncBuiltinESMExports();
}

function workerName(file: unknown, options: unknown, cwd: string): string {
  const opts = (options ?? {}) as { name?: unknown; eval?: unknown };
  if (typeof opts.name === 'string' && opts.name !== '') return opts.name;
  if (opts.eval === true) return 'worker (eval)';
  try {
    const path = file instanceof URL ? fileURLToPath(file) : typeof file === 'string' && file.startsWith('file:') ? fileURLToPath(file) : String(file);
    return relative(cwd, path).split('\\').join('/');
  } catch {
    return 'worker';
  }
}
