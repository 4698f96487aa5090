// The plan with a tsconfig: the files, the layout and each file's module format are the ones
// tsc would use, read through ts-morph (which brings its own TypeScript 5). Only the compiler
// itself is Babel's: types are stripped, not checked, and the syntax is not lowered to `target`.
import { existsSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { Project, ts } from 'ts-morph';
import { UsageError } from './args';
import { isSource, isTypeScriptSource, outputName } from './extensions';
import type { CompileSettings, Plan, PlanEntry } from './plan-types';
import { walkFiles } from './walk';

/** The part of TypeScript's Program that tsc's emitter uses and its typings do not list. */
interface EmitProgram extends ts.Program {
  getCommonSourceDirectory?(): string;
}

export function tsconfigPlan(tsconfig: string, sources: string[], outDirArg: string | undefined, cwd: string): Plan {
  const configPath = resolve(cwd, tsconfig);
  if (!existsSync(configPath)) throw new UsageError(`${tsconfig}: no such file`);
  const project = new Project({ tsConfigFilePath: configPath });
  const problems = project.getConfigFileParsingDiagnostics().filter((d) => d.getCategory() === ts.DiagnosticCategory.Error);
  if (problems.length > 0) throw new UsageError(`${tsconfig}: ${ts.flattenDiagnosticMessageText(problems[0].compilerObject.messageText, '\n')}`);
  const options = project.getCompilerOptions();
  if (options.outFile !== undefined) throw new UsageError(`${tsconfig}: outFile (one bundled file) is not supported; use outDir`);
  const outDir = outDirArg !== undefined ? resolve(cwd, outDirArg) : options.outDir;
  if (outDir === undefined) throw new UsageError(`${tsconfig} has no outDir: give one with -d`);
  const program = project.getProgram().compilerObject as EmitProgram;
  const emitted = program.getSourceFiles().filter((f) => mayBeEmitted(program, f));
  const rootDir = commonSourceDirectory(program, options, emitted.map((f) => f.fileName));
  const wanted = sources.map((s) => resolve(cwd, s));
  for (const [i, path] of wanted.entries()) if (!existsSync(path)) throw new UsageError(`${sources[i]}: no such file or directory`);
  const under = (file: string): boolean => wanted.length === 0 || wanted.some((w) => file === w || file.startsWith(w + sep));
  const place = (file: string): string => join(outDir, relative(rootDir, file));

  const entries: PlanEntry[] = [];
  const planned = new Set<string>();
  for (const file of emitted) {
    const source = resolve(file.fileName);
    if (!under(source)) continue;
    planned.add(source);
    if (source.endsWith('.json')) entries.push({ action: 'copy', source, output: place(source) });
    else {
      const settings = settingsFor(file, options, tsconfig);
      entries.push({ action: 'compile', source, output: outputName(place(source), settings.jsx === 'preserve'), settings });
    }
  }
  // Files of the given directories that tsc would not compile (data, templates) are copied to
  // their place in the layout; sources the tsconfig leaves out (tests, say) stay out.
  for (const dir of wanted.filter((w) => statSync(w).isDirectory())) {
    for (const file of walkFiles(dir, new Set([outDir]))) {
      if (planned.has(file) || isSource(file) || relative(rootDir, file).startsWith('..')) continue;
      entries.push({ action: 'copy', source: file, output: place(file) });
      planned.add(file);
    }
  }
  return { outDir, cwd: dirname(configPath), entries };
}

function mayBeEmitted(program: EmitProgram, file: ts.SourceFile): boolean {
  if (file.isDeclarationFile || program.isSourceFileDefaultLibrary(file) || program.isSourceFileFromExternalLibrary(file)) return false;
  return !file.fileName.split('/').includes('node_modules');
}

/** tsc's own answer when the Program gives it; else TypeScript 5's rule, written out. */
function commonSourceDirectory(program: EmitProgram, options: ts.CompilerOptions, files: string[]): string {
  if (program.getCommonSourceDirectory) return resolve(program.getCommonSourceDirectory());
  if (options.rootDir !== undefined) return resolve(options.rootDir);
  if (options.composite && typeof options.configFilePath === 'string') return dirname(resolve(options.configFilePath));
  let common = files.length > 0 ? dirname(resolve(files[0])) : process.cwd();
  for (const f of files) while (!(resolve(f) + sep).startsWith(common.endsWith(sep) ? common : common + sep)) common = dirname(common);
  return common;
}

function settingsFor(file: ts.SourceFile, options: ts.CompilerOptions, tsconfig: string): CompileSettings {
  const format = emitFormat(file, options);
  if (format !== 'esm' && format !== 'cjs') throw new UsageError(`${tsconfig}: module "${format}" is not supported (plain node runs CommonJS and ES modules)`);
  return {
    typescript: isTypeScriptSource(file.fileName),
    sourceType: format === 'esm' ? 'module' : 'unambiguous',
    toCommonJS: format === 'cjs',
    alwaysStrict: format === 'cjs' && (options.alwaysStrict ?? options.strict ?? false),
    jsx: /\.[jt]sx$/.test(file.fileName) ? jsxSettings(options) : undefined,
    onlyRemoveTypeImports: options.verbatimModuleSyntax ?? false,
    rewriteImportExtensions: options.rewriteRelativeImportExtensions ?? false,
    decorators: { legacy: options.experimentalDecorators ?? false, metadata: (options.experimentalDecorators ?? false) && (options.emitDecoratorMetadata ?? false) },
  };
}

/**
 * What tsc emits this file as. Under node16..nodenext, per file: by extension, else the nearest
 * package.json "type". Otherwise the module option, except that .cts and .mts keep their own
 * format. (The Program's own answer is not used: ts-morph creates the source files itself and
 * they carry no implied format.)
 */
function emitFormat(file: ts.SourceFile, options: ts.CompilerOptions): string {
  const module = options.module ?? ((options.target ?? ts.ScriptTarget.ES5) >= ts.ScriptTarget.ES2015 ? ts.ModuleKind.ES2015 : ts.ModuleKind.CommonJS);
  let kind: ts.ModuleKind = module;
  if (module >= ts.ModuleKind.Node16 && module <= ts.ModuleKind.NodeNext) {
    kind = ts.getImpliedNodeFormatForFile(file.fileName as ts.Path, undefined, ts.sys, options) ?? ts.ModuleKind.CommonJS;
  } else if (/\.c[jt]s$/.test(file.fileName)) {
    kind = ts.ModuleKind.CommonJS;
  } else if (/\.m[jt]s$/.test(file.fileName)) {
    kind = ts.ModuleKind.ESNext;
  }
  if (kind === ts.ModuleKind.CommonJS) return 'cjs';
  if ((kind >= ts.ModuleKind.ES2015 && kind <= ts.ModuleKind.ESNext) || kind === ts.ModuleKind.Preserve) return 'esm';
  return ts.ModuleKind[kind]?.toLowerCase() ?? String(kind);
}

function jsxSettings(options: ts.CompilerOptions): CompileSettings['jsx'] {
  switch (options.jsx) {
    case ts.JsxEmit.Preserve: case ts.JsxEmit.ReactNative: return 'preserve';
    case ts.JsxEmit.React: return { runtime: 'classic', pragma: options.jsxFactory, pragmaFrag: options.jsxFragmentFactory };
    case ts.JsxEmit.ReactJSX: return { runtime: 'automatic', importSource: options.jsxImportSource };
    case ts.JsxEmit.ReactJSXDev: return { runtime: 'automatic', development: true, importSource: options.jsxImportSource };
    default: return undefined;
  }
}
