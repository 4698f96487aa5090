// `panopticon-instrument`: writes an instrumented build of a tree or of a TypeScript project.
// Exit codes: 0 all written, 1 some file could not be compiled (the others were), 2 usage.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseInstrumentArgs, UsageError, USAGE, type InstrumentArgs } from './args';
import { build } from './build';
import { mirrorPlan } from './mirror-plan';
import { tsconfigPlan } from './tsconfig-plan';
import { displayPath } from './report';

export function main(argv: string[]): void {
  let args: InstrumentArgs;
  try {
    args = parseInstrumentArgs(argv);
  } catch (error) {
    return usageFailure(error);
  }
  if (args.help) return void process.stdout.write(USAGE);
  if (args.version) return void process.stdout.write(`${(JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }).version}\n`);
  let plan;
  try {
    const cwd = process.cwd();
    plan = args.tsconfig !== undefined ? tsconfigPlan(args.tsconfig, args.sources, args.outDir, cwd) : mirrorPlan(args.sources, args.outDir!, cwd);
  } catch (error) {
    return usageFailure(error);
  }
  const functions = args.functionsInclude.length + args.functionsExclude.length > 0
    ? { ...(args.functionsInclude.length ? { include: args.functionsInclude } : {}), ...(args.functionsExclude.length ? { exclude: args.functionsExclude } : {}) }
    : undefined;
  const result = build(plan, {
    force: args.force,
    plugin: {
      ...(args.include.length ? { include: args.include } : {}),
      ...(args.exclude.length ? { exclude: args.exclude } : {}),
      ...(functions ? { functions } : {}),
    },
  });
  if (!args.quiet) {
    const parts = [`${result.compiled} instrumented`, `${result.copied} copied`, `${result.unchanged} unchanged`];
    if (result.removed > 0) parts.push(`${result.removed} removed`);
    if (result.failed > 0) parts.push(`${result.failed} failed`);
    process.stderr.write(`panopticon-instrument: ${parts.join(', ')} -> ${displayPath(plan.outDir)}\n`);
  }
  if (result.failed > 0) process.exitCode = 1;
}

function usageFailure(error: unknown): void {
  if (!(error instanceof UsageError)) throw error;
  process.stderr.write(`panopticon-instrument: ${error.message}\n(panopticon-instrument --help for usage)\n`);
  process.exitCode = 2;
}
