// Tracing every thread of a process into one part file (the `panopticon` command's mode).
//
// The main thread creates the process's arena and hands it to workers through environment data;
// every thread, workers included (they run the same preload), records into it; at exit the main
// thread writes the part: all threads, times shifted onto the session's epoch. Workers write
// nothing themselves, so a worker that is terminated, or still busy when the main thread calls
// process.exit(), keeps what it recorded.
import { writeFileSync, unlinkSync, openSync, writeSync, closeSync } from 'node:fs';
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
import { writeProcessTrace, type WriteFilters } from './chrome-json';
import { WakeTracker } from './wakeups';

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
  const storage = arena?.storageFor(threadId + 1, clock.timeOrigin);
  const recorder = installRecorder(undefined, storage);
  if (options.wakeups) recorder.enableWakeups(new WakeTracker());
  recorder.start();
  if (arena) nameWorkers(arena, options.cwd);
  if (!isMainThread || !arena) return true;

  const main = arena;
  try {
    writeFileSync(options.startedPath, JSON.stringify({ pid: process.pid, ppid: process.ppid, argv: process.argv }));
  } catch {
    // the session is gone (its command was killed): the program runs on regardless
  }
  onEveryExit(() => {
    const threads = main.read().map((t) => ({ ...t, clockOffsetMs: t.timeOrigin - options.epochMs }));
    let fd: number;
    try {
      fd = openSync(options.partPath, 'w');
    } catch (error) {
      // The session is over (its command ended and removed it): nobody is left to read a part.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    let events = 0;
    try {
      events = writeProcessTrace(
        threads,
        { pid: process.pid, ppid: process.ppid, name: process.argv.join(' '), clockOffsetMs: clock.timeOrigin - options.epochMs, filters: options.filters },
        clock.now(),
        (text) => writeSync(fd, text),
      );
    } finally {
      closeSync(fd);
    }
    try {
      unlinkSync(options.startedPath);
    } catch {
      // already gone: a second flush (a signal, then exit)
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
