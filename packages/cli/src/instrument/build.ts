// Carries out a plan: compiles or copies each file that changed, writes source maps next to the
// outputs, removes outputs whose sources are gone, and keeps going past a file that fails.
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, relative } from 'node:path';
import { compile, type PluginOptions } from './compile';
import { Manifest, hash } from './manifest';
import type { CompileEntry, Plan, PlanEntry } from './plan-types';
import { startProgress, type Progress } from './progress';
import { describeFailure } from './report';
import { toolchainHash } from './versions';

export interface BuildResult {
  compiled: number;
  copied: number;
  unchanged: number;
  removed: number;
  failed: number;
}

export interface BuildOptions {
  plugin: Omit<PluginOptions, 'cwd'>;
  force: boolean;
}

export function build(plan: Plan, options: BuildOptions): BuildResult {
  mkdirSync(plan.outDir, { recursive: true });
  const manifest = new Manifest(plan.outDir);
  const result: BuildResult = { compiled: 0, copied: 0, unchanged: 0, removed: 0, failed: 0 };
  const plugin: PluginOptions = { cwd: plan.cwd, ...options.plugin };
  const progress = startProgress(plan.entries.length);
  try {
    for (const entry of plan.entries) {
      progress.tick(relative(plan.cwd, entry.source));
      buildOne(entry, plugin, manifest, options.force, result, progress);
    }
  } finally {
    progress.stop();
  }
  const planned = new Set(plan.entries.map((e) => e.output));
  for (const output of manifest.stale(planned)) {
    rmSync(output, { force: true });
    rmSync(`${output}.map`, { force: true });
    result.removed++;
  }
  manifest.save();
  return result;
}

function buildOne(entry: PlanEntry, plugin: PluginOptions, manifest: Manifest, force: boolean, result: BuildResult, progress: Progress): void {
  const bytes = readFileSync(entry.source);
  const sourceHash = hash(bytes);
  const optionsHash = entry.action === 'copy' ? 'copy' : hash(JSON.stringify([entry.settings, plugin, toolchainHash()]));
  const mapFile = `${entry.output}.map`;
  if (!force && manifest.upToDate(entry.output, sourceHash, optionsHash, entry.action === 'compile' ? [mapFile] : [])) {
    manifest.record(entry.output, entry.source, sourceHash, optionsHash);
    result.unchanged++;
    return;
  }
  mkdirSync(dirname(entry.output), { recursive: true });
  if (entry.action === 'copy') {
    copyFileSync(entry.source, entry.output);
    result.copied++;
  } else {
    const source = bytes.toString('utf8');
    if (!compileTo(entry, source, plugin, progress)) {
      // Not recorded: the next run tries the file again. An earlier good output stays.
      result.failed++;
      return;
    }
    result.compiled++;
  }
  manifest.record(entry.output, entry.source, sourceHash, optionsHash);
}

function compileTo(entry: CompileEntry, source: string, plugin: PluginOptions, progress: Progress): boolean {
  // The map names the source relative to itself, as tsc's maps do.
  const sourceFileName = relative(dirname(entry.output), entry.source).split('\\').join('/');
  let compiled;
  try {
    compiled = compile(source, entry.source, sourceFileName, entry.settings, plugin);
  } catch (error) {
    progress.log(describeFailure(error, source, entry.source));
    return false;
  }
  const mapName = `${basename(entry.output)}.map`;
  writeFileSync(entry.output, `${compiled.code}\n//# sourceMappingURL=${mapName}\n`);
  writeFileSync(`${entry.output}.map`, JSON.stringify({ ...compiled.map, file: basename(entry.output) }));
  return true;
}
