// What the `panopticon` command hands to the traced process (through one environment variable,
// which the preload reads and removes so the program's environment is its own).
export interface TraceOptions {
  /** Absolute path of the trace file. */
  output: string;
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
  /** Where the traced process leaves the number of events it wrote, for the closing line. */
  statusFile: string;
  /** The process name shown in the trace. */
  processName: string;
}

export const OPTIONS_ENV = 'PANOPTICON_CLI_OPTIONS';

export function readOptions(env: NodeJS.ProcessEnv = process.env): TraceOptions | undefined {
  const text = env[OPTIONS_ENV];
  return text ? (JSON.parse(text) as TraceOptions) : undefined;
}
