// Command-line parsing for `panopticon`: options up to the script, everything after it belongs to
// the program. util.parseArgs does the checking; this file only finds where the script starts.
import { parseArgs } from 'node:util';

export interface CliArgs {
  output?: string;
  code?: string;
  script?: string;
  scriptArgs: string[];
  includeNodeModules: boolean;
  wakeups: boolean;
  include: string[];
  exclude: string[];
  help: boolean;
  version: boolean;
}

const OPTIONS = {
  output: { type: 'string', short: 'o' },
  eval: { type: 'string', short: 'e' },
  command: { type: 'string', short: 'c' },
  'include-node-modules': { type: 'boolean' },
  wakeups: { type: 'boolean' },
  include: { type: 'string', multiple: true },
  exclude: { type: 'string', multiple: true },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

export class UsageError extends Error {}

/** Options that take a value as the next argument (when not written --opt=value). */
const TAKES_VALUE = new Set(['-o', '--output', '-e', '--eval', '-c', '--command', '--include', '--exclude']);

export function parseCliArgs(argv: string[]): CliArgs {
  let split = argv.length;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') throw new UsageError('"panopticon -- <command>" (tracing a whole command) is not available yet; give a script: panopticon [-o FILE] SCRIPT [ARGS...]');
    if (TAKES_VALUE.has(a)) {
      i++;
      continue;
    }
    if (!a.startsWith('-') || a === '-') {
      split = i;
      break;
    }
  }
  let values;
  try {
    ({ values } = parseArgs({ args: argv.slice(0, split), options: OPTIONS, strict: true, allowPositionals: false }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const code = values.eval ?? values.command;
  if (values.eval !== undefined && values.command !== undefined) throw new UsageError('give the code once, with -e or -c');
  const rest = argv.slice(split);
  return {
    output: values.output,
    code,
    script: code === undefined ? rest[0] : undefined,
    scriptArgs: code === undefined ? rest.slice(1) : rest,
    includeNodeModules: values['include-node-modules'] ?? false,
    wakeups: values.wakeups ?? false,
    include: values.include ?? [],
    exclude: values.exclude ?? [],
    help: values.help ?? false,
    version: values.version ?? false,
  };
}

export const USAGE = `Usage:
  panopticon [options] SCRIPT [ARGS...]   run a .js/.mjs/.cjs/.ts/.mts/.cts/.tsx file traced
  panopticon [options] -e CODE [ARGS...]  run a snippet traced, like node -e (alias -c)

Options:
  -o, --output FILE         where to write the trace (default: panopticon-trace.json)
  --include-node-modules    instrument files under node_modules too
  --include GLOB            instrument only files matching GLOB (repeatable; relative to cwd)
  --exclude GLOB            do not instrument files matching GLOB (repeatable)
  --wakeups                 draw an arrow from the slice that finishes an async function to the
                            slice its awaiter resumes in (slows promises; off by default)
  -h, --help                show this help
  -v, --version             show the version

The trace is Chrome Trace Event JSON: open it at https://ui.perfetto.dev ("Open trace file").`;
