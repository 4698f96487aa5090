// The plan without a tsconfig: each SRC file goes to OUTDIR/its name, each SRC directory's
// contents go under OUTDIR with their relative paths (as `babel src -d lib` does). TypeScript
// loses its types and keeps its module syntax; nothing is converted between ES modules and
// CommonJS, so each output runs the way its source would under node's own rules.
import { decoratorOptions } from '../ts-decorators';
import { statSync } from 'node:fs';
import { basename, extname, join, relative, resolve } from 'node:path';
import { walkFiles } from './walk';
import { isSource, isTypeScriptSource, outputName } from './extensions';
import type { CompileSettings, Plan, PlanEntry } from './plan-types';
import { UsageError } from './args';

export function mirrorPlan(sources: string[], outDir: string, cwd: string): Plan {
  const out = resolve(cwd, outDir);
  const entries: PlanEntry[] = [];
  for (const src of sources) {
    const path = resolve(cwd, src);
    let stat;
    try {
      stat = statSync(path);
    } catch {
      throw new UsageError(`${src}: no such file or directory`);
    }
    if (stat.isDirectory()) {
      if (out === path) throw new UsageError(`${src}: the output directory cannot be the source directory`);
      for (const file of walkFiles(path, new Set([out]))) entries.push(entryFor(file, join(out, relative(path, file))));
    } else {
      entries.push(entryFor(path, join(out, basename(path))));
    }
  }
  return { outDir: out, cwd, entries: unique(entries) };
}

function entryFor(source: string, output: string): PlanEntry {
  if (!isSource(source)) return { action: 'copy', source, output };
  return { action: 'compile', source, output: outputName(output), settings: mirrorSettings(source) };
}

export function mirrorSettings(source: string): CompileSettings {
  const ext = extname(source);
  return {
    typescript: isTypeScriptSource(source),
    // .mjs/.mts are always modules and .cjs/.cts never; otherwise the syntax decides, as node's
    // module detection does (a package.json "type" is honoured at run time by node itself).
    sourceType: ext === '.mjs' || ext === '.mts' ? 'module' : ext === '.cjs' ? 'script' : 'unambiguous',
    // A .cts file may use import/export; tsc always emits it as CommonJS, and so do we.
    toCommonJS: ext === '.cts',
    alwaysStrict: false,
    jsx: ext === '.tsx' || ext === '.jsx' ? { runtime: 'automatic' } : undefined,
    onlyRemoveTypeImports: false,
    rewriteImportExtensions: false,
    // no tsconfig in mirror mode: the one governing the file, as the run-time loader reads it
    decorators: isTypeScriptSource(source) ? decoratorOptions(source) : { legacy: false, metadata: false },
  };
}

/** Two sources writing one output (a.ts and a.js side by side) would overwrite each other. */
function unique(entries: PlanEntry[]): PlanEntry[] {
  const byOutput = new Map<string, PlanEntry>();
  for (const entry of entries) {
    const other = byOutput.get(entry.output);
    if (other && other.source !== entry.source) throw new UsageError(`${entry.source} and ${other.source} would both be written to ${entry.output}`);
    byOutput.set(entry.output, entry);
  }
  return [...byOutput.values()];
}
