// Command-line parsing for `panopticon`: options up to the script (or up to `--`, after which
// comes a whole command), everything after it belongs to the program; or `merge` and its inputs.
// util.parseArgs does the checking; this file only finds where the program starts.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { parseFormat, SLICE_LOCATIONS, type SliceLocations, type TraceFormat } from '@panopticon/runtime';

export interface CliArgs {
  output?: string;
  /** `--format`: the output's format whatever its extension (otherwise the extension says). */
  format?: TraceFormat;
  code?: string;
  script?: string;
  scriptArgs: string[];
  /** `-- COMMAND ARGS...`: any command, run as is (PATH lookup, no shell). */
  command?: string[];
  /** `merge INPUT...`: traces to merge into the output. */
  merge?: string[];
  /** `summary TRACE`: print a report of a trace. */
  summary?: { trace: string; top: number; json: boolean };
  /** `view TRACE`: serve a trace to Perfetto UI. */
  view?: { trace: string; keep: boolean; open: boolean };
  includeNodeModules: boolean;
  wakeups: boolean;
  /** Run-time filters (see the runtime's WriteFilters). */
  maxDepth?: number;
  minDurationUs?: number;
  /** Ring-buffer mode: each thread keeps its newest N events. */
  buffer?: number;
  /** `--locations`: how a .pftrace carries slice locations (the runtime's SliceLocations). */
  locations?: SliceLocations;
  /** `--counters[=MS]`: sample CPU, heap and event-loop counters every MS ms. */
  counters?: number;
  include: string[];
  exclude: string[];
  /** `--args[=NAMEGLOB,...]`, `--args-files GLOB`: record argument and return values. */
  args?: boolean | { functions?: string[]; files?: string[] };
  /** `--redact KEY,...`: more secret keys. */
  redact?: string[];
  help: boolean;
  version: boolean;
}

const OPTIONS = {
  output: { type: 'string', short: 'o' },
  format: { type: 'string' },
  eval: { type: 'string', short: 'e' },
  command: { type: 'string', short: 'c' },
  'include-node-modules': { type: 'boolean' },
  wakeups: { type: 'boolean' },
  'max-depth': { type: 'string' },
  'min-duration': { type: 'string' },
  buffer: { type: 'string' },
  locations: { type: 'string' },
  counters: { type: 'string' },
  include: { type: 'string', multiple: true },
  exclude: { type: 'string', multiple: true },
  args: { type: 'boolean' },
  'args-functions': { type: 'string', multiple: true },
  'args-files': { type: 'string', multiple: true },
  redact: { type: 'string', multiple: true },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

export class UsageError extends Error {}

/** Options that take a value as the next argument (when not written --opt=value). */
const TAKES_VALUE = new Set(['-o', '--output', '--format', '-e', '--eval', '-c', '--command', '--include', '--exclude', '--max-depth', '--min-duration', '--buffer', '--locations', '--args-files', '--redact']);

export function parseCliArgs(argv: string[]): CliArgs {
  let split = argv.length;
  let dashes = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      split = i;
      dashes = true;
      break;
    }
    if (TAKES_VALUE.has(a)) {
      i++;
      continue;
    }
    if (!a.startsWith('-') || a === '-') {
      split = i;
      break;
    }
  }
  const values = parseOptions(argv.slice(0, split).map((a) => (a === '--counters' ? `--counters=${DEFAULT_COUNTERS_MS}` : a)));
  const rest = argv.slice(dashes ? split + 1 : split);
  if (!dashes && rest[0] === 'merge') return parseMerge(values, rest.slice(1));
  if (!dashes && (rest[0] === 'summary' || rest[0] === 'view')) return parseReading(values, rest[0], rest.slice(1));
  const code = values.eval ?? values.command;
  if (values.eval !== undefined && values.command !== undefined) throw new UsageError('give the code once, with -e or -c');
  if (dashes && code !== undefined) throw new UsageError('give code (-e) or a command (-- COMMAND), not both');
  if (dashes && rest.length === 0) throw new UsageError('no command after --');
  return {
    ...common(values),
    code,
    script: code === undefined && !dashes ? rest[0] : undefined,
    scriptArgs: code === undefined ? (dashes ? [] : rest.slice(1)) : rest,
    command: dashes ? rest : undefined,
  };
}

type Values = ReturnType<typeof parseOptions>;

function parseOptions(args: string[]) {
  try {
    // `--args=GLOB,...` is `--args` with name filters (parseArgs has no optional values).
    const expanded = args.flatMap((a) => (a.startsWith('--args=') ? ['--args', `--args-functions=${a.slice('--args='.length)}`] : [a]));
    return parseArgs({ args: expanded, options: OPTIONS, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function common(values: Values): Omit<CliArgs, 'scriptArgs'> {
  return {
    output: values.output,
    format: formatOption(values.format),
    includeNodeModules: values['include-node-modules'] ?? false,
    wakeups: values.wakeups ?? false,
    maxDepth: count(values['max-depth'], '--max-depth', 1),
    minDurationUs: count(values['min-duration'], '--min-duration', 0),
    buffer: count(values.buffer, '--buffer', 1),
    locations: locationsOption(values.locations),
    counters: countersOption(values.counters),
    include: values.include ?? [],
    exclude: values.exclude ?? [],
    args: argsOption(values),
    redact: values.redact !== undefined ? splitList(values.redact) : undefined,
    help: values.help ?? false,
    version: values.version ?? false,
  };
}

/** The plugin's `args` option from `--args[=GLOB,...]` and `--args-files`; undefined when off. */
function argsOption(values: Values): CliArgs['args'] {
  const functions = splitList(values['args-functions'] ?? []);
  const files = splitList(values['args-files'] ?? []);
  if (!values.args && files.length === 0) return undefined;
  return functions.length === 0 && files.length === 0 ? true : { ...(functions.length > 0 ? { functions } : {}), ...(files.length > 0 ? { files } : {}) };
}

/** Comma-separated lists, repeatable. */
function splitList(items: string[]): string[] {
  return items.flatMap((s) => s.split(',')).map((s) => s.trim()).filter((s) => s.length > 0);
}

/** A whole number of at least `min`, or a usage error naming the flag. */
function count(text: string | undefined, flag: string, min: number): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value < min || text.trim() === '') throw new UsageError(`${flag} takes a number >= ${min}, not ${JSON.stringify(text)}`);
  return value;
}

/** `--counters` alone samples every 10 ms. */
const DEFAULT_COUNTERS_MS = 10;

/** A sampling interval in ms: a number from 1 to 60000. */
function countersOption(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 1 || value > 60_000) {
    throw new UsageError(`--counters takes a sampling interval in milliseconds (1 to 60000; --counters alone: ${DEFAULT_COUNTERS_MS}), not ${JSON.stringify(text)}`);
  }
  return value;
}

function locationsOption(text: string | undefined): SliceLocations | undefined {
  if (text === undefined) return undefined;
  const locations = SLICE_LOCATIONS.find((l) => l === text);
  if (locations === undefined) throw new UsageError(`--locations takes ${SLICE_LOCATIONS.join(', ')}, not ${JSON.stringify(text)}`);
  return locations;
}

function formatOption(text: string | undefined): TraceFormat | undefined {
  if (text === undefined) return undefined;
  const format = parseFormat(text);
  if (format === undefined) throw new UsageError(`--format takes json, json.gz or pftrace, not ${JSON.stringify(text)}`);
  return format;
}

/** `merge INPUT... [-o OUT]`: -o may come before `merge` or among the inputs, once. */
function parseMerge(before: Values, args: string[]): CliArgs {
  let values;
  let positionals;
  try {
    ({ values, positionals } = parseArgs({ args, options: { output: OPTIONS.output, format: OPTIONS.format, help: OPTIONS.help }, strict: true, allowPositionals: true }));
  } catch (error) {
    throw new UsageError(`merge: ${(error as Error).message}`);
  }
  if (before.output !== undefined && values.output !== undefined) throw new UsageError('merge: give the output once, with -o');
  const traceOnly = ['eval', 'command', 'include-node-modules', 'wakeups', 'max-depth', 'min-duration', 'buffer', 'counters', 'include', 'exclude', 'args', 'args-functions', 'args-files', 'redact'] as const;
  const misplaced = traceOnly.filter((k) => before[k] !== undefined);
  if (misplaced.length > 0) throw new UsageError(`merge: --${misplaced[0]} is an option for tracing, not for merging`);
  const help = (values.help ?? false) || (before.help ?? false);
  if (positionals.length === 0 && !help) throw new UsageError('merge: no trace files given');
  const format = formatOption(values.format) ?? formatOption(before.format);
  return { ...common(before), output: values.output ?? before.output, format, help, scriptArgs: [], merge: positionals };
}

/** `summary TRACE [--top N] [--json]`, `view TRACE [--keep] [--no-open]`: one trace, read. */
function parseReading(before: Values, command: 'summary' | 'view', args: string[]): CliArgs {
  const options: ParseArgsConfig['options'] = {
    help: OPTIONS.help,
    ...(command === 'summary' ? { top: { type: 'string' }, json: { type: 'boolean' } } : { keep: { type: 'boolean' }, 'no-open': { type: 'boolean' } }),
  };
  let parsed;
  try {
    parsed = parseArgs({ args, options, strict: true, allowPositionals: true });
  } catch (error) {
    throw new UsageError(`${command}: ${(error as Error).message}`);
  }
  const values = parsed.values as { help?: boolean; top?: string; json?: boolean; keep?: boolean; 'no-open'?: boolean };
  const misplaced = Object.keys(before).filter((k) => k !== 'help');
  if (misplaced.length > 0) throw new UsageError(`${command}: --${misplaced[0]} is an option for tracing`);
  const help = (values.help ?? false) || (before.help ?? false);
  const base = { ...common(before), help, scriptArgs: [] };
  if (help) return base;
  if (parsed.positionals.length !== 1) throw new UsageError(`${command}: give one trace file`);
  const trace = parsed.positionals[0];
  if (command === 'view') return { ...base, view: { trace, keep: values.keep ?? false, open: !(values['no-open'] ?? false) } };
  return { ...base, summary: { trace, top: count(values.top, '--top', 1) ?? 10, json: values.json ?? false } };
}

export const USAGE = `Usage:
  panopticon [options] SCRIPT [ARGS...]     run a .js/.mjs/.cjs/.ts/.mts/.cts/.tsx file traced
  panopticon [options] -e CODE [ARGS...]    run a snippet traced, like node -e (alias -c)
  panopticon [options] -- COMMAND [ARGS...] run any command traced (npm test, npx tsc, a shell
                                            script): every Node process it starts is traced
  panopticon merge TRACE... [-o FILE]       merge traces recorded separately into one; each
                                            keeps its own processes
  panopticon summary TRACE [--top N] [--json]
                                            print the top functions (self and total time),
                                            coroutine instances, processes and threads
  panopticon view TRACE [--keep] [--no-open]
                                            open a trace in Perfetto UI (served once from
                                            127.0.0.1:9001; --keep serves until Ctrl-C)

Every Node process the program starts (child_process, npm scripts, shells) and every worker
thread is traced too; all of them end up in one trace, one process per OS process.

Options:
  -o, --output FILE         where to write the trace (default: panopticon-trace.json); the
                            extension picks the format: .json, .json.gz, .pftrace
  --format FORMAT           json, json.gz (gzipped JSON) or pftrace (Perfetto protobuf,
                            several times smaller), whatever the output's extension
  --include-node-modules    instrument files under node_modules too
  --include GLOB            instrument only files matching GLOB (repeatable; relative to cwd)
  --exclude GLOB            do not instrument files matching GLOB (repeatable)
  --wakeups                 draw an arrow from the slice that finishes an async function to the
                            slice its awaiter resumes in (slows promises; off by default)
  --max-depth N             keep slices up to N levels deep (at most 512, Perfetto's limit)
  --min-duration US         leave out slices shorter than US microseconds (their time stays
                            inside their parent)
  --args[=NAMEGLOB,...]     record argument and return values in each slice's args (rendered
                            without running getters, proxies or toString; bounded; secrets
                            redacted); with globs, only for functions whose names match
  --args-files GLOB         record them only in files matching GLOB (repeatable)
  --redact KEY,...          more keys whose values show as [redacted] (besides password,
                            token, secret, authorization, cookie, api key, ...)
  --buffer N                ring buffer: keep only each thread's newest N events (the trace
                            and stderr say how many older ones were dropped)
  --locations WHERE         how a .pftrace carries each slice's file, line and column: args
                            (default: debug annotations, as the JSON), interned (Perfetto's
                            source locations, once per function: file and line, about half
                            the size) or none (names only, about a third)
  --counters[=MS]           sample counters every MS ms (default 10) in every process and
                            thread: CPU user/system %, V8 heap used/total, event-loop
                            utilization and delay; shown as counter tracks
  -h, --help                show this help
  -v, --version             show the version

Every format opens at https://ui.perfetto.dev ("Open trace file"); JSON in chrome://tracing too.`;
