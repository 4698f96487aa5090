// What the `panopticon` command hands to every process it traces (through one environment
// variable, inherited by children and workers along with NODE_OPTIONS, which loads the preload).
//
// The session contract, between the traced processes and the command that merges them:
// - at start, each traced process writes `<sessionDir>/<pid>.started`, JSON {pid, ppid, argv};
// - at exit, it writes `<sessionDir>/<pid>.trace.json`, a complete Chrome JSON array trace of all
//   its threads, one event per line, timestamps in microseconds since `epochMs`; flow ids
//   (`bind_id` of X events, `id` of s/f events) are unique within the file only;
//   then it removes its `.started` marker. A marker without a trace names a process that was
//   killed before it could write (SIGKILL, out of memory);
// - when the run's output is a .pftrace that can be streamed (`partFormat`), the part is
//   `<pid>.trace.pftrace` instead, written while the process runs, in an id block of its own
//   (`<sessionDir>/<block>.block`, claimed at start) so that the parts are concatenated as they are.
import { closeSync, openSync } from 'node:fs';
import { MAX_ID_BLOCKS, type WriteFilters } from '@panopticon/runtime';

export interface TraceOptions {
  /** Directory where every traced process of this run leaves its part. */
  sessionDir: string;
  /** Epoch milliseconds that timestamp 0 of every part stands for, so processes line up. */
  epochMs: number;
  /** Instrument files under node_modules too. */
  includeNodeModules: boolean;
  /** Globs (relative to cwd) a file must match one of to be instrumented; empty: all. */
  include: string[];
  /** Globs a file must match none of. */
  exclude: string[];
  /** The working directory the globs and trace file names are relative to. */
  cwd: string;
  /** Draw wake-up arrows between async function instances (costs: V8 promise hooks). */
  wakeups: boolean;
  /** Run-time filters (the deepest level kept, the shortest slice kept, in microseconds) and where a .pftrace puts locations. */
  filters?: WriteFilters;
  /** Ring-buffer mode: each thread keeps its newest N events, written at exit. */
  keepNewest?: number;
  /** Record argument and return values: the plugin's `args` option (absent: off). */
  args?: boolean | { functions?: string[]; files?: string[] };
  /** More keys whose values are shown as `[redacted]` (besides password, token, ...). */
  redact?: string[];
  /** Sample counters (CPU, heap, event loop) every this many ms in every thread. */
  counters?: number;
  /** The parts' format: Chrome JSON (merged, then converted) unless 'pftrace' (concatenated). */
  partFormat?: 'json' | 'pftrace';
}

export const OPTIONS_ENV = 'PANOPTICON_CLI_OPTIONS';

export function readOptions(env: NodeJS.ProcessEnv = process.env): TraceOptions | undefined {
  const text = env[OPTIONS_ENV];
  return text ? (JSON.parse(text) as TraceOptions) : undefined;
}

/** The part a process writes, and its start marker (see the contract above). */
export function partPaths(sessionDir: string, pid: number, format: 'json' | 'pftrace' = 'json'): { trace: string; started: string } {
  return { trace: `${sessionDir}/${pid}.trace.${format}`, started: `${sessionDir}/${pid}.started` };
}

/**
 * Claims the lowest free id block of the session (see the contract above): the first processes
 * get the blocks whose sequence ids are one byte. Past MAX_ID_BLOCKS, or when the session is gone,
 * the pid decides (ids may then repeat: only with thousands of processes in one run).
 */
export function claimIdBlock(sessionDir: string, pid: number): number {
  for (let block = 0; block < MAX_ID_BLOCKS; block++) {
    try {
      closeSync(openSync(`${sessionDir}/${block}.block`, 'wx'));
      return block;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') break;
    }
  }
  return pid % MAX_ID_BLOCKS;
}
