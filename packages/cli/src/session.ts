// A run's session: the directory every traced process of one `panopticon` run leaves its part in,
// and the environment that makes a process (and, by inheritance, its children) traced. The
// contract between the traced processes and the command is in options.ts.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, isAbsolute, join, relative, sep } from 'node:path';
import { OPTIONS_ENV, type TraceOptions } from './options';
import { mergeTraceFiles, type MergeResult } from './merge';
import { concatPerfettoParts } from './concat-parts';

/** The preload every traced process loads, next to this file in dist/. */
export const PRELOAD = join(__dirname, 'preload.js');

/**
 * `--require "<path>"`, quoted as NODE_OPTIONS reads it: inside double quotes a backslash escapes
 * the next character, so a path with spaces, quotes or backslashes survives.
 */
export function preloadOption(path: string = PRELOAD): string {
  return `--require "${path.replace(/[\\"]/g, '\\$&')}"`;
}

/** The variables a process needs to be traced: the preload in NODE_OPTIONS, and the options. */
export function tracingVariables(options: TraceOptions, preload: string = PRELOAD): { NODE_OPTIONS: string; [OPTIONS_ENV]: string } {
  return { NODE_OPTIONS: preloadOption(preload), [OPTIONS_ENV]: JSON.stringify(options) };
}

/** NODE_OPTIONS with `option` added after what the user already has (theirs load first, as before). */
export function withNodeOption(existing: string | undefined, option: string): string {
  if (existing !== undefined && existing.includes(option)) return existing;
  return existing && existing.trim() !== '' ? `${existing} ${option}` : option;
}

/** `base` (the command's own environment) plus the tracing variables. */
export function tracedEnv(base: NodeJS.ProcessEnv, options: TraceOptions): NodeJS.ProcessEnv {
  const vars = tracingVariables(options);
  return { ...base, NODE_OPTIONS: withNodeOption(base.NODE_OPTIONS, vars.NODE_OPTIONS), [OPTIONS_ENV]: vars[OPTIONS_ENV] };
}

/** Creates a fresh session directory under the system temp directory. */
export function createSessionDir(): string {
  return mkdtempSync(join(tmpdir(), 'panopticon-session-'));
}

export interface StartedMarker {
  pid: number;
  ppid?: number;
  argv?: string[];
}

/** What a session directory holds once the program has ended. */
export interface SessionFiles {
  /** Part files, oldest first (a reused pid's later part comes later). */
  parts: string[];
  /** Start markers still there: processes that did not finish writing their part. */
  started: StartedMarker[];
}

/** A part's file name: `<pid>.trace.json`, or `.trace.pftrace` (options.ts). */
const PART = /\.trace\.(json|pftrace)$/;

function pidOfPart(path: string): string {
  return basename(path).split('.')[0];
}

export function listSession(dir: string): SessionFiles {
  const names = readdirSync(dir);
  const parts = names
    .filter((n) => PART.test(n))
    .map((n) => ({ path: join(dir, n), at: mtimeOf(join(dir, n)) }))
    .sort((a, b) => a.at - b.at)
    .map((p) => p.path);
  const started: StartedMarker[] = [];
  for (const name of names) {
    if (!name.endsWith('.started')) continue;
    const pid = Number(name.slice(0, -'.started'.length));
    try {
      started.push({ pid, ...(JSON.parse(readFileSync(join(dir, name), 'utf8')) as Partial<StartedMarker>) });
    } catch {
      // removed in between, or cut off while written: the pid in its name is all there is
      started.push({ pid });
    }
  }
  return { parts, started };
}

function mtimeOf(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return Infinity;
  }
}

/**
 * Whether a process is still alive (so its part may still come). A zombie (exited, not yet reaped
 * by its parent, which happens under an init that does not reap) is not: it writes nothing more.
 */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    // Linux: the state follows the parenthesised command name, which may itself hold ") ".
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no /proc (macOS): kill(0) is all there is
  }
}

export function removeSessionDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * How a process is named in warnings: its command line as its marker recorded it, shortened the
 * way a user typed it (`node child.js`): the executable's base name, paths under cwd relative.
 */
export function describeProcess(marker: StartedMarker, cwd: string): string {
  const argv = marker.argv;
  if (!argv || argv.length === 0) return `process ${marker.pid}`;
  const shown = argv.map((arg, i) => {
    if (i === 0) return basename(arg);
    if (isAbsolute(arg) && arg.startsWith(cwd + sep)) return relative(cwd, arg);
    return arg;
  });
  return `process ${marker.pid} (${shown.join(' ')})`;
}

/** Processes still writing after this long are given up on (a daemon the program left behind). */
const WAIT_FOR_STRAGGLERS_MS = 10_000;

/** Blocks the thread for `ms` (nothing else runs in the command while it waits). */
function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

export interface SessionEnd {
  /** The merge's outcome; undefined when no process left a part. */
  merged?: MergeResult;
  /** Lines for stderr, one per process whose events are missing or cut short. */
  warnings: string[];
}

/**
 * Once the program has ended: waits a while for traced processes still writing (children it did
 * not wait for), merges every part into `output`, names the processes whose events are missing,
 * and removes the session directory.
 */
export function finishSession(dir: string, output: string, cwd: string): SessionEnd {
  const warnings: string[] = [];
  try {
    let files = listSession(dir);
    const deadline = Date.now() + WAIT_FOR_STRAGGLERS_MS;
    while (files.started.some((m) => isAlive(m.pid)) && Date.now() < deadline) {
      sleep(50);
      files = listSession(dir);
    }
    // Keyed by pid: a process leaves one part, in the session's one format.
    const partOf = new Map(files.parts.map((p) => [pidOfPart(p), p]));
    const markerOf = new Map<string, StartedMarker>();
    const cutShort = new Set<string>();
    for (const marker of files.started) {
      const pid = String(marker.pid);
      markerOf.set(pid, marker);
      const who = describeProcess(marker, cwd);
      if (isAlive(marker.pid)) {
        warnings.push(`${who} was still running when the program ended: its events are not in the trace`);
        partOf.delete(pid); // it may be writing it right now
      } else if (!partOf.has(pid)) {
        warnings.push(`${who} was killed before it wrote its events`);
      } else {
        cutShort.add(pid); // it never finished its part: what it wrote is there
      }
    }
    const parts = files.parts.filter((p) => partOf.get(pidOfPart(p)) === p);
    if (parts.length === 0) return { warnings };
    const inputs = parts.map((path) => ({ path }));
    // .pftrace parts are streamed in id blocks of their own: joined as they are (concat-parts.ts).
    const merged = parts.every((p) => p.endsWith('.pftrace')) ? concatPerfettoParts(inputs, output) : mergeTraceFiles(inputs, output);
    for (const { path } of merged.truncated) cutShort.add(pidOfPart(path));
    for (const pid of cutShort) {
      const marker = markerOf.get(pid);
      const who = marker ? describeProcess(marker, cwd) : `process ${pid}`;
      warnings.push(`${who} was killed while it wrote its events: the trace has those it wrote`);
    }
    for (const { input, message } of merged.unreadable) warnings.push(`the events of process ${pidOfPart(input.path)} could not be read: ${message}`);
    return { merged, warnings };
  } finally {
    removeSessionDir(dir);
  }
}
