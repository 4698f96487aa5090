// The environment's options: `testEnvironmentOptions: { panopticon: { outputDir } }` in the Jest
// config (or `--testEnvironmentOptions '{"panopticon":{...}}'`).
import { isAbsolute, join, relative, resolve, sep } from 'node:path';

export interface PanopticonJestOptions {
  /** Where the traces go, relative to the root dir; `.panopticon/jest` by default. */
  outputDir?: string;
}

export const DEFAULT_OUTPUT_DIR = join('.panopticon', 'jest');

export function readOptions(testEnvironmentOptions: Record<string, unknown> | undefined): PanopticonJestOptions {
  const raw = testEnvironmentOptions?.panopticon;
  if (raw === undefined) return {};
  if (typeof raw !== 'object' || raw === null) throw new TypeError('testEnvironmentOptions.panopticon must be an object');
  const { outputDir } = raw as Record<string, unknown>;
  if (outputDir !== undefined && typeof outputDir !== 'string') throw new TypeError('testEnvironmentOptions.panopticon.outputDir must be a string');
  return { outputDir };
}

/** The test file as the trace names it: relative to the root dir, with `/` separators. */
export function displayPath(rootDir: string, testPath: string): string {
  return relative(rootDir, testPath).split(sep).join('/');
}

/**
 * `<outputDir>/<test file relative to rootDir>.json`. A test file outside the root dir keeps its
 * trace inside the output dir: its `..` segments become `__`.
 */
export function tracePath(rootDir: string, testPath: string, options: PanopticonJestOptions): string {
  const dir = resolve(rootDir, options.outputDir ?? DEFAULT_OUTPUT_DIR);
  const rel = relative(rootDir, testPath);
  const inside = isAbsolute(rel) ? rel.replace(/^[a-zA-Z]:/, '').replace(/^[\\/]+/, '') : rel;
  return join(dir, ...inside.split(sep).map((part) => (part === '..' ? '__' : part))) + '.json';
}

// panopticon-ignore-file: the tracer's own code is not traced (under `panopticon -- jest` it would
// be, when not installed under node_modules, and its frames would close the spans it opens).
