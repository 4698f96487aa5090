// One Babel pass per loaded file: TypeScript stripped (when it is TypeScript) and functions
// instrumented (when the filter says so), with an inline source map so stack traces point at the
// original lines. Plain node's behaviour is the reference for everything else: a JavaScript file
// Babel cannot parse is handed to node unchanged, so the SyntaxError is node's own.
import { extname } from 'node:path';
import type * as BabelCore from '@babel/core';
import { decoratorOptions, decoratorPlugins } from './ts-decorators';

/**
 * Babel and its plugins, loaded on first use: every traced process and worker runs this file's
 * importer, and most (npm itself, a tool under node_modules) never transform anything.
 * Plugins are resolved here, not by name: Babel would look names up from the program's directory.
 */
let babelModules: { babel: typeof BabelCore; instrumenter: BabelCore.PluginItem; presetTypeScript: BabelCore.PluginItem; reactJsx: BabelCore.PluginItem } | undefined;
function loadBabel(): NonNullable<typeof babelModules> {
  // Inside inBabel(): Babel's own files, loaded now, must not go through the hooks themselves.
  return (babelModules ??= inBabel(() => ({
    babel: require('@babel/core') as typeof BabelCore,
    instrumenter: (require('@panopticon/babel-plugin') as { default: BabelCore.PluginItem }).default,
    presetTypeScript: (require('@babel/preset-typescript') as { default: BabelCore.PluginItem }).default,
    reactJsx: (require('@babel/plugin-transform-react-jsx') as { default: BabelCore.PluginItem }).default,
  })));
}

/** Plugin options besides `cwd` (the `args` option), the same for every file of the process. */
let pluginOptions: Record<string, unknown> = {};
export function setPluginOptions(options: { args?: unknown }): void {
  pluginOptions = options.args === undefined ? {} : { args: options.args };
}

export const TS_EXTENSIONS = new Set(['.ts', '.mts', '.cts', '.tsx']);

export type ModuleFormat = 'module' | 'commonjs' | undefined;

export function isTypeScript(filename: string): boolean {
  return TS_EXTENSIONS.has(extname(filename));
}

let babelDepth = 0;

/**
 * Whether one of our Babel calls is running. Babel requires parts of itself lazily (config,
 * targets, presets) in the middle of a call; with --include-node-modules the CommonJS hook would
 * otherwise transform those with Babel again, re-entering it while it is half loaded.
 */
export function babelBusy(): boolean {
  return babelDepth > 0;
}

/**
 * Runs a Babel call. Babel's first call raises Error.stackTraceLimit to 50 and installs its own
 * Error.prepareStackTrace in the realm it runs in, which is the program's: both are put back, so
 * the program sees node's and its own (and its stack traces keep node's 10 frames).
 */
function inBabel<T>(run: () => T): T {
  const { stackTraceLimit, prepareStackTrace } = Error;
  babelDepth++;
  try {
    return run();
  } finally {
    babelDepth--;
    if (Error.stackTraceLimit !== stackTraceLimit) Error.stackTraceLimit = stackTraceLimit;
    if (Error.prepareStackTrace !== prepareStackTrace) Error.prepareStackTrace = prepareStackTrace;
  }
}

/**
 * Returns the code to run, or null when the file is JavaScript that should run as it is
 * (not instrumented, or not parseable: node then reports the error itself).
 */
export function transformFile(source: string, filename: string, format: ModuleFormat, instrument: boolean, cwd: string): string | null {
  const ts = isTypeScript(filename);
  if (!ts && !instrument) return null;
  const ext = extname(filename);
  const sourceType = format === 'module' || ext === '.mjs' || ext === '.mts' ? 'module' : format === 'commonjs' || ext === '.cjs' || ext === '.cts' ? 'script' : 'unambiguous';
  const { babel, instrumenter, presetTypeScript, reactJsx } = loadBabel();
  let result: BabelCore.BabelFileResult | null;
  try {
    result = inBabel(() => babel.transformSync(source, {
      filename,
      cwd,
      babelrc: false,
      configFile: false,
      sourceType,
      sourceMaps: 'inline',
      parserOpts: { allowReturnOutsideFunction: sourceType !== 'module', allowAwaitOutsideFunction: sourceType !== 'script' },
      plugins: [
        ...(instrument ? [[instrumenter, { ...pluginOptions, cwd }]] : []),
        // TypeScript's decorators, compiled as tsc would (node runs none itself); a file without
        // an '@' has none and skips the tsconfig lookup.
        ...(ts && source.includes('@') ? decoratorPlugins(decoratorOptions(filename)) : []),
        ...(ext === '.tsx' ? [[reactJsx, { runtime: 'automatic' }]] : []),
      ] as BabelCore.PluginItem[],
      presets: ts ? [[presetTypeScript, { allowDeclareFields: true, onlyRemoveTypeImports: false }]] : [],
    }));
  } catch (error) {
    if (!ts && isParseError(error)) return null;
    throw ts && isParseError(error) ? nodeStyleSyntaxError(error as ParseError, source, filename) : error;
  }
  return result?.code ?? null;
}

/** Whether TypeScript or JavaScript source uses import/export (node's module syntax detection). */
export function hasModuleSyntax(source: string, filename = 'file.ts'): boolean {
  try {
    const { babel } = loadBabel();
    const ast = inBabel(() => babel.parseSync(source, {
      filename,
      babelrc: false,
      configFile: false,
      sourceType: 'unambiguous',
      parserOpts: { allowReturnOutsideFunction: true, plugins: isTypeScript(filename) ? ['typescript', decoratorOptions(filename).legacy ? 'decorators-legacy' : 'decorators'] : [] },
    }));
    return ast?.program.sourceType === 'module';
  } catch {
    return false;
  }
}

interface ParseError extends Error {
  code?: string;
  loc?: { line: number; column: number };
  reasonCode?: string;
}

function isParseError(error: unknown): boolean {
  const e = error as ParseError;
  return e?.code === 'BABEL_PARSE_ERROR' || (e instanceof SyntaxError && e.loc !== undefined);
}

/** A SyntaxError that prints the way node prints one: file:line:col, the line, a caret. */
export function nodeStyleSyntaxError(error: ParseError, source: string, filename: string): SyntaxError {
  const line = error.loc?.line ?? 1;
  const column = error.loc?.column ?? 0;
  const reason = error.message.replace(/^[^:]*: /, '').split('\n')[0].replace(/\s*\(\d+:\d+\)$/, '');
  const text = source.split(/\r?\n/)[line - 1] ?? '';
  const syntaxError = new SyntaxError(reason);
  syntaxError.stack = `${filename}:${line}:${column + 1}\n${text}\n${' '.repeat(column)}^\n\nSyntaxError: ${reason}\n    at ${filename}:${line}:${column + 1}`;
  return syntaxError;
}
