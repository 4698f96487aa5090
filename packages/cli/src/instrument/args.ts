// Command-line parsing for `panopticon-instrument SRC... -d OUTDIR [--tsconfig FILE]`.
// util.parseArgs does the checking; this file turns its result into what the build needs and
// says what is wrong in one line (the caller prints it and exits 2).
import { parseArgs } from 'node:util';

export interface InstrumentArgs {
  sources: string[];
  outDir?: string;
  tsconfig?: string;
  /** Compile-time filters, handed to the Babel plugin as they are. */
  include: string[];
  exclude: string[];
  functionsInclude: string[];
  functionsExclude: string[];
  /** Rebuild every file, ignoring what the manifest says is up to date. */
  force: boolean;
  quiet: boolean;
  help: boolean;
  version: boolean;
}

export class UsageError extends Error {}

const OPTIONS = {
  'out-dir': { type: 'string', short: 'd' },
  tsconfig: { type: 'string', short: 'p' },
  include: { type: 'string', multiple: true },
  exclude: { type: 'string', multiple: true },
  'include-functions': { type: 'string', multiple: true },
  'exclude-functions': { type: 'string', multiple: true },
  force: { type: 'boolean', short: 'f' },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

export const USAGE = `Usage: panopticon-instrument SRC... -d OUTDIR [options]
       panopticon-instrument --tsconfig tsconfig.json [SRC...] [-d OUTDIR] [options]

Writes an instrumented copy of JavaScript and TypeScript sources. The output runs with plain
node (it needs @panopticon/runtime installed) and records only when switched on, e.g. by
PANOPTICON_OUTPUT=trace.json.

Options:
  -d, --out-dir DIR            where to write (with --tsconfig: its outDir by default)
  -p, --tsconfig FILE          lay out and compile as tsc would for this project
      --include GLOB           instrument only matching files (repeatable)
      --exclude GLOB           do not instrument matching files (repeatable)
      --include-functions PAT  instrument only functions whose name matches (repeatable)
      --exclude-functions PAT  do not instrument functions whose name matches (repeatable)
  -f, --force                  rebuild files the last run left up to date
  -q, --quiet                  no summary line
  -h, --help                   this text
  -v, --version                the version
`;

export function parseInstrumentArgs(argv: string[]): InstrumentArgs {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const args: InstrumentArgs = {
    sources: positionals,
    outDir: values['out-dir'],
    tsconfig: values.tsconfig,
    include: values.include ?? [],
    exclude: values.exclude ?? [],
    functionsInclude: values['include-functions'] ?? [],
    functionsExclude: values['exclude-functions'] ?? [],
    force: values.force ?? false,
    quiet: values.quiet ?? false,
    help: values.help ?? false,
    version: values.version ?? false,
  };
  if (args.help || args.version) return args;
  if (args.outDir === '') throw new UsageError('-d needs a directory');
  if (args.tsconfig === undefined) {
    if (args.sources.length === 0) throw new UsageError('no sources given (panopticon-instrument SRC... -d OUTDIR)');
    if (args.outDir === undefined) throw new UsageError('no output directory given (-d OUTDIR)');
  }
  return args;
}
