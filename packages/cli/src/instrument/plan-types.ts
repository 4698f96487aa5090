import type { DecoratorOptions } from '../ts-decorators';
// What a build does with each file, decided before anything is written: the plan is what the
// manifest compares against and what the progress bar counts.

/** How one source file is compiled. Everything here goes into the manifest's options hash. */
export interface CompileSettings {
  typescript: boolean;
  /** How Babel parses the file; 'unambiguous' lets the syntax decide (plain JavaScript). */
  sourceType: 'module' | 'script' | 'unambiguous';
  /** Rewrite import/export to require/exports, as tsc does for CommonJS output. */
  toCommonJS: boolean;
  /** Add "use strict" to CommonJS output that is not a module, as tsc's alwaysStrict does. */
  alwaysStrict: boolean;
  jsx?: { runtime: 'classic' | 'automatic'; development?: boolean; importSource?: string; pragma?: string; pragmaFrag?: string } | 'preserve';
  /** tsc's verbatimModuleSyntax: keep imports that are only unused values. */
  onlyRemoveTypeImports: boolean;
  rewriteImportExtensions: boolean;
  /** tsc's experimentalDecorators / emitDecoratorMetadata (TC39 decorators otherwise). */
  decorators: DecoratorOptions;
}

export interface CompileEntry {
  action: 'compile';
  source: string;
  output: string;
  settings: CompileSettings;
}

export interface CopyEntry {
  action: 'copy';
  source: string;
  output: string;
}

export type PlanEntry = CompileEntry | CopyEntry;

export interface Plan {
  outDir: string;
  /** The directory names in the trace are relative to. */
  cwd: string;
  entries: PlanEntry[];
}
