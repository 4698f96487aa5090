// One source file through Babel: TypeScript stripped, JSX compiled, functions instrumented with
// `runtime: 'auto'` (the output loads @panopticon/runtime/auto itself, so plain node can run it),
// and, for CommonJS output, import/export rewritten. The project's own Babel config is not read:
// the output must run with plain node, and a config made for a bundler or a browser (preset-env
// targets, JSX pragmas) says nothing about that. Projects that build with Babel anyway add the
// plugin to their config instead.
import type * as BabelCore from '@babel/core';
import type { CompileSettings } from './plan-types';
import { decoratorPlugins } from '../ts-decorators';

export interface PluginOptions {
  cwd: string;
  include?: string[];
  exclude?: string[];
  functions?: { include?: string[]; exclude?: string[] };
}

export interface Compiled {
  code: string;
  map: object | null;
}

let modules: { babel: typeof BabelCore; instrumenter: BabelCore.PluginItem; typescript: BabelCore.PluginItem; jsx: BabelCore.PluginItem; commonjs: BabelCore.PluginItem } | undefined;

/** Plugins are resolved from here, not by name from the project (which may have none of them). */
function load(): NonNullable<typeof modules> {
  return (modules ??= {
    babel: require('@babel/core') as typeof BabelCore,
    instrumenter: (require('@panopticon/babel-plugin') as { default: BabelCore.PluginItem }).default,
    typescript: (require('@babel/preset-typescript') as { default: BabelCore.PluginItem }).default,
    jsx: (require('@babel/plugin-transform-react-jsx') as { default: BabelCore.PluginItem }).default,
    commonjs: (require('@babel/plugin-transform-modules-commonjs') as { default: BabelCore.PluginItem }).default,
  });
}

/** tsc's alwaysStrict for CommonJS output of a file that is not a module (a module gets it from the CommonJS transform). */
function useStrictPlugin({ types: t }: { types: typeof BabelCore.types }): BabelCore.PluginObj {
  return {
    name: 'panopticon-instrument-use-strict',
    visitor: {
      Program: {
        exit(path) {
          if (!path.node.directives.some((d) => d.value.value === 'use strict')) path.unshiftContainer('directives', t.directive(t.directiveLiteral('use strict')));
        },
      },
    },
  };
}

/**
 * Compiles `source`. `sourceFileName` is the source's path as the map should name it (relative
 * to the output's directory, as tsc writes it). Throws Babel's error for code it cannot parse.
 */
export function compile(source: string, filename: string, sourceFileName: string, settings: CompileSettings, plugin: PluginOptions): Compiled {
  const { babel, instrumenter, typescript, jsx, commonjs } = load();
  const plugins: BabelCore.PluginItem[] = [[instrumenter, { ...plugin, runtime: 'auto' }]];
  if (settings.jsx !== undefined && settings.jsx !== 'preserve') {
    const { runtime, development, importSource, pragma, pragmaFrag } = settings.jsx;
    plugins.push([jsx, { runtime, development, ...(importSource ? { importSource } : {}), ...(pragma ? { pragma } : {}), ...(pragmaFrag ? { pragmaFrag } : {}) }]);
  }
  // decorators compiled as tsc would (after the instrumenter, which sees the source as written)
  if (settings.typescript && source.includes('@')) plugins.push(...decoratorPlugins(settings.decorators));
  if (settings.toCommonJS) plugins.push([commonjs, { importInterop: 'babel' }]);
  if (settings.alwaysStrict) plugins.push(useStrictPlugin);
  const result = babel.transformSync(source, {
    filename,
    cwd: plugin.cwd,
    babelrc: false,
    configFile: false,
    sourceType: settings.sourceType,
    sourceMaps: true,
    sourceFileName,
    parserOpts: {
      allowReturnOutsideFunction: settings.sourceType !== 'module',
      // A .js file with JSX parses; the preset turns JSX on for .tsx itself.
      plugins: !settings.typescript && settings.jsx !== undefined ? ['jsx'] : [],
    },
    plugins,
    presets: settings.typescript
      ? [[typescript, {
          allowDeclareFields: true,
          onlyRemoveTypeImports: settings.onlyRemoveTypeImports,
          rewriteImportExtensions: settings.rewriteImportExtensions,
        }]]
      : [],
  });
  if (!result || typeof result.code !== 'string') throw new Error(`${filename}: Babel returned no code`);
  return { code: result.code, map: (result.map as object | null | undefined) ?? null };
}
