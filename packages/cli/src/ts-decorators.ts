// Which decorators a TypeScript file means: TypeScript compiles `@dec` as the TC39 proposal unless
// the project's tsconfig sets `experimentalDecorators`, and the loader must do as tsc would.
// get-tsconfig finds the nearest tsconfig.json and follows its `extends` (JSONC, packages too).
import { dirname } from 'node:path';
import type * as BabelCore from '@babel/core';
import { getTsconfig } from 'get-tsconfig';

export interface DecoratorOptions {
  /** `experimentalDecorators`: legacy decorators (parameter decorators too) instead of TC39's. */
  legacy: boolean;
  /** `emitDecoratorMetadata`: design:type / design:paramtypes / design:returntype, as tsc emits. */
  metadata: boolean;
}

const TC39: DecoratorOptions = { legacy: false, metadata: false };
const byDirectory = new Map<string, DecoratorOptions>();

/** What the tsconfig that governs `filename` says about decorators. */
export function decoratorOptions(filename: string): DecoratorOptions {
  const dir = dirname(filename);
  let options = byDirectory.get(dir);
  if (options === undefined) {
    try {
      const compilerOptions = getTsconfig(dir)?.config.compilerOptions;
      const legacy = compilerOptions?.experimentalDecorators === true;
      options = { legacy, metadata: legacy && compilerOptions?.emitDecoratorMetadata === true };
    } catch {
      options = TC39; // an unreadable tsconfig: tsc would refuse it; the TC39 reading is the default
    }
    byDirectory.set(dir, options);
  }
  return options;
}

/**
 * The Babel plugins that compile decorators as tsc would, to run after the instrumenter (which
 * sees the source as written). Legacy ones as the Babel + NestJS recipe has it: metadata before
 * the decorators, parameter decorators after them. Resolved from here, not from the program.
 */
export function decoratorPlugins({ legacy, metadata }: DecoratorOptions): BabelCore.PluginItem[] {
  const decorators = (require('@babel/plugin-proposal-decorators') as { default: BabelCore.PluginItem }).default;
  if (!legacy) return [[decorators, { version: '2023-11' }]];
  const parameters = require('babel-plugin-parameter-decorator') as BabelCore.PluginItem;
  const designTypes = (require('babel-plugin-transform-typescript-metadata') as { default: BabelCore.PluginItem }).default;
  return [...(metadata ? [designTypes] : []), [decorators, { version: 'legacy' }], parameters];
}
