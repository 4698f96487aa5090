// The `panopticon` command: checks its arguments and the output path before anything runs, then
// runs the program in a child node process with the preload, passes stdio straight through, and
// ends as the program ended: the same exit code, or death by the same signal.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { assertWritable } from '@panopticon/runtime';
import { parseCliArgs, UsageError, USAGE, type CliArgs } from './args';
import { OPTIONS_ENV, type TraceOptions } from './options';
import { fileFilter } from './filter';
import { transformFile } from './transform';

export const DEFAULT_OUTPUT = 'panopticon-trace.json';

function version(): string {
  return (JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string }).version;
}

function fail(message: string): never {
  process.stderr.write(`panopticon: ${message}\n`);
  process.exit(2);
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
  if (args.code === undefined && args.script === undefined) fail(`no script given\n${USAGE}`);

  const cwd = process.cwd();
  const output = resolve(cwd, args.output ?? DEFAULT_OUTPUT);
  try {
    assertWritable(output);
  } catch (error) {
    fail(`cannot write the trace to ${output}: ${(error as Error).message}`);
  }
  let script: string | undefined;
  if (args.script !== undefined) {
    script = resolve(cwd, args.script);
    if (!existsSync(script) || !statSync(script).isFile()) fail(`cannot find the script ${args.script} (${script})`);
  }

  const options: TraceOptions = {
    output,
    includeNodeModules: args.includeNodeModules,
    include: args.include,
    exclude: args.exclude,
    cwd,
    wakeups: args.wakeups,
    statusFile: join(mkdtempSync(join(tmpdir(), 'panopticon-')), 'status'),
    processName: ['panopticon', ...argv].join(' '),
  };
  const preload = join(__dirname, 'preload.js');
  const nodeArgs = ['-r', preload];
  if (args.code !== undefined) {
    const instrumented = fileFilter(options)(join(cwd, '[eval]')) ? transformFile(args.code, join(cwd, '[eval]'), 'commonjs', true, cwd) : null;
    nodeArgs.push('-e', instrumented ?? args.code);
  } else {
    nodeArgs.push(script!);
  }
  run(process.execPath, [...nodeArgs, ...args.scriptArgs], { ...process.env, [OPTIONS_ENV]: JSON.stringify(options) }, () => report(options));
}

/** The closing line, printed once the program has ended: after anything node printed last. */
function report(options: TraceOptions): void {
  let events: string | undefined;
  try {
    events = readFileSync(options.statusFile, 'utf8');
  } catch {
    // no status: the program died before any exit hook could run (SIGKILL, out of memory)
  }
  rmSync(join(options.statusFile, '..'), { recursive: true, force: true });
  process.stderr.write(
    events === undefined
      ? `panopticon: no trace was written: the program was killed before it could write ${options.output}\n`
      : `panopticon: wrote ${events} events to ${options.output} (open it at https://ui.perfetto.dev: "Open trace file")\n`,
  );
}

const FORWARDED = ['SIGTERM', 'SIGHUP'] as const;

function run(node: string, args: string[], env: NodeJS.ProcessEnv, ended: () => void): void {
  const child = spawn(node, args, { stdio: 'inherit', env });
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
  child.on('error', (error) => fail(`could not start node: ${error.message}`));
  child.on('exit', (code, signal) => {
    process.removeListener('SIGINT', ignore);
    for (const [s, f] of forwarders) process.removeListener(s, f);
    if (!forced) ended();
    if (signal) {
      process.kill(process.pid, forced ? 'SIGINT' : signal);
      return;
    }
    process.exitCode = code ?? 1;
  });
}
