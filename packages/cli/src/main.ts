// The `panopticon` command: checks its arguments and the output path before anything runs, then
// runs the program (a script, a snippet, or any command) with the tracing environment, passes
// stdio straight through, merges the parts every traced process left in the session directory,
// and ends as the program ended: the same exit code, or death by the same signal.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { assertWritable, canStreamPerfetto } from '@panopticon/runtime';
import { parseCliArgs, UsageError, USAGE, type CliArgs } from './args';
import { type TraceOptions } from './options';
import { fileFilter } from './filter';
import { setPluginOptions, transformFile } from './transform';
import { createSessionDir, finishSession, removeSessionDir, tracedEnv } from './session';
import { mergeTraceFiles } from './merge';
import { outputFormat, writeInFormat } from './output-format';
import type { TraceFormat } from '@panopticon/runtime';
import { summaryCommand } from './summary/command';
import { viewCommand } from './view';

export const DEFAULT_OUTPUT = 'panopticon-trace.json';

const PERFETTO = 'open it at https://ui.perfetto.dev: "Open trace file"';

function version(): string {
  return (JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string }).version;
}

function fail(message: string, status = 2): never {
  process.stderr.write(`panopticon: ${message}\n`);
  process.exit(status);
}

export function main(argv: string[]): void {
  let args: CliArgs;
  try {
    args = parseCliArgs(argv);
  } catch (error) {
    if (error instanceof UsageError) fail(`${error.message}\n${USAGE}`);
    throw error;
  }
  if (args.help) {
    process.stdout.write(USAGE + '\n');
    return;
  }
  if (args.version) {
    process.stdout.write(version() + '\n');
    return;
  }
  if (args.merge !== undefined) return mergeCommand(args.merge, args.output, args.format);
  if (args.summary !== undefined) {
    void summaryCommand(args.summary);
    return;
  }
  if (args.view !== undefined) return viewCommand(args.view);
  if (args.code === undefined && args.script === undefined && args.command === undefined) fail(`no script given\n${USAGE}`);

  const cwd = process.cwd();
  const output = writableOutput(cwd, args.output);
  let script: string | undefined;
  if (args.script !== undefined) {
    script = resolve(cwd, args.script);
    if (!existsSync(script) || !statSync(script).isFile()) fail(`cannot find the script ${args.script} (${script})`);
  }

  const options: TraceOptions = {
    sessionDir: '',
    epochMs: Date.now(),
    includeNodeModules: args.includeNodeModules,
    include: args.include,
    exclude: args.exclude,
    cwd,
    wakeups: args.wakeups,
    filters: { maxDepth: args.maxDepth, minDurationUs: args.minDurationUs, locations: args.locations },
    keepNewest: args.buffer,
    args: args.args,
    redact: args.redact,
    counters: args.counters,
  };
  const format = outputFormat(output, args.format);
  // A .pftrace is written by each process as it runs and the parts joined as they are, unless
  // values or filters need the JSON path (live-stream.ts; args: values are not streamed).
  if (format === 'pftrace' && canStreamPerfetto({ wakeups: args.wakeups, minDurationUs: args.minDurationUs }) && !args.args) options.partFormat = 'pftrace';
  // Only the .pftrace writers place locations otherwise; the JSON parts a converted .pftrace comes from carry them as args.
  if (args.locations !== undefined && args.locations !== 'args') {
    if (format !== 'pftrace') fail(`--locations ${args.locations} is for a .pftrace output (JSON always has each slice's file, line and col)`);
    if (options.partFormat !== 'pftrace') fail(`--locations ${args.locations} cannot go with --wakeups, --args or --min-duration: those make the .pftrace from JSON, which keeps locations as args`);
  }
  setPluginOptions(options);
  let file: string;
  let fileArgs: string[];
  if (args.command !== undefined) {
    [file, ...fileArgs] = args.command;
  } else if (args.code !== undefined) {
    const evalName = join(cwd, '[eval]');
    const instrumented = fileFilter(options)(evalName) ? transformFile(args.code, evalName, 'commonjs', true, cwd) : null;
    [file, fileArgs] = [process.execPath, ['-e', instrumented ?? args.code, ...args.scriptArgs]];
  } else {
    [file, fileArgs] = [process.execPath, [script!, ...args.scriptArgs]];
  }
  options.sessionDir = createSessionDir();
  run(file, fileArgs, tracedEnv(process.env, options), options.sessionDir, (forced) => {
    if (forced) removeSessionDir(options.sessionDir);
    // Parts already in the output's format are joined straight into it: nothing to convert.
    else report(options.sessionDir, output, cwd, options.partFormat === 'pftrace' ? 'json' : format);
  });
}

/** The output path, resolved, after checking it can be written (before anything runs). */
function writableOutput(cwd: string, given: string | undefined): string {
  const output = resolve(cwd, given ?? DEFAULT_OUTPUT);
  try {
    assertWritable(output);
  } catch (error) {
    fail(`cannot write the trace to ${output}: ${(error as Error).message}`);
  }
  return output;
}

function closingLine(events: number, processes: number, output: string): string {
  return `panopticon: wrote ${events} events to ${output} (${processes} ${processes === 1 ? 'process' : 'processes'}; ${PERFETTO})\n`;
}

/** Merges the parts, then the warnings and the closing line: after anything node printed last. */
function report(sessionDir: string, output: string, cwd: string, format: TraceFormat): void {
  let end: ReturnType<typeof finishSession>;
  try {
    end = writeInFormat(output, format, (path) => finishSession(sessionDir, path, cwd), (e) => e.merged !== undefined);
  } catch (error) {
    // the program's own ending still passes through (a full disk is no reason to change it)
    process.stderr.write(`panopticon: could not write the trace to ${output}: ${(error as Error).message}\n`);
    return;
  }
  const { merged, warnings } = end;
  for (const warning of warnings) process.stderr.write(`panopticon: ${warning}\n`);
  process.stderr.write(
    merged === undefined
      ? `panopticon: no trace was written: no traced process lived to write its events to ${output}\n`
      : closingLine(merged.events, merged.processes, output),
  );
}

/** `panopticon merge A B ... -o OUT` */
function mergeCommand(inputs: string[], given: string | undefined, format: TraceFormat | undefined): void {
  const cwd = process.cwd();
  const paths = inputs.map((input) => resolve(cwd, input));
  paths.forEach((path, i) => {
    if (!existsSync(path) || !statSync(path).isFile()) fail(`merge: cannot find the trace ${inputs[i]} (${path})`);
  });
  const output = writableOutput(cwd, given);
  let merged: ReturnType<typeof mergeTraceFiles>;
  try {
    merged = writeInFormat(output, outputFormat(output, format), (path) => mergeTraceFiles(paths.map((p) => ({ path: p })), path), () => true);
  } catch (error) {
    fail(`merge: could not write ${output}: ${(error as Error).message}`, 1);
  }
  for (const input of merged.truncated) process.stderr.write(`panopticon: ${input.path} was cut off: its incomplete last event is left out\n`);
  for (const { message } of merged.unreadable) process.stderr.write(`panopticon: left out ${message}\n`);
  process.stderr.write(closingLine(merged.events, merged.processes, output));
  if (merged.unreadable.length > 0) process.exitCode = 1;
}

const FORWARDED = ['SIGTERM', 'SIGHUP'] as const;

/** Runs the program; `ended(forced)` once it has exited, before this process ends the same way. */
function run(file: string, args: string[], env: NodeJS.ProcessEnv, sessionDir: string, ended: (forced: boolean) => void): void {
  const child = spawn(file, args, { stdio: 'inherit', env });
  // A terminal's Ctrl-C reaches the whole process group: the child gets SIGINT itself, and this
  // process must outlive it to report how it ended. Signals sent to this process alone go on.
  // The tracer's SIGINT listener runs only when the program's JavaScript yields, so a program
  // stuck in a loop would ignore Ctrl-C: a second one stops it the hard way, without a trace.
  let interrupts = 0;
  let forced = false;
  const ignore = (): void => {
    if (++interrupts < 2 || child.exitCode !== null) return;
    forced = true;
    process.stderr.write('panopticon: the program did not stop (it is busy); stopped it without writing the trace\n');
    child.kill('SIGKILL');
  };
  process.on('SIGINT', ignore);
  const forwarders = FORWARDED.map((signal) => {
    const forward = (): void => {
      child.kill(signal);
    };
    process.on(signal, forward);
    return [signal, forward] as const;
  });
  child.on('error', (error) => {
    removeSessionDir(sessionDir);
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    // 127 and 126, as a shell answers for a command it cannot find or cannot run
    fail(`could not start ${file}: ${error.message}`, missing ? 127 : 126);
  });
  child.on('exit', (code, signal) => {
    process.removeListener('SIGINT', ignore);
    for (const [s, f] of forwarders) process.removeListener(s, f);
    ended(forced);
    if (signal) {
      process.kill(process.pid, forced ? 'SIGINT' : signal);
      return;
    }
    process.exitCode = code ?? 1;
  });
}
