// The Jest transformer: babel-jest with the instrumenter added to the project's own Babel config.
//
// babel-jest loads the project's babel.config.js / .babelrc as usual and merges the options given
// here on top, so appending the instrumenter to `plugins` keeps every preset (TypeScript, JSX,
// env) working. Babel runs plugins before presets and in one traversal, and the instrumenter does
// all its work on `Program` enter, so it sees the source as written: the names and positions in
// the trace are the file's own. When Jest collects coverage, babel-jest appends istanbul after
// it; istanbul skips the nodes the instrumenter made (they have no source location), and
// coverage-locations.ts keeps its statement count as it was.
//
// Every file given to this transformer is instrumented, whatever test environment runs it: the
// environment decides whether anything is recorded. Under an environment that installs no
// recorder (plain `node`, `jsdom`) the injected hooks find none and cost one check per call;
// the code behaves as the original.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import babelJest, { type TransformerConfig } from 'babel-jest';
import type { SyncTransformer, TransformOptions, TransformedSource } from '@jest/transform';
import instrumenter from '@panopticon/babel-plugin';
import coverageLocations from './coverage-locations';

type Options = TransformOptions<TransformerConfig>;
type Transformer = SyncTransformer<TransformerConfig>;

/**
 * What the instrumented output depends on besides babel-jest's own key: this package and the
 * instrumenter's code. Their versions alone would not do while they are developed in place.
 */
const INSTRUMENTER_KEY = (() => {
  const hash = createHash('sha1').update('@panopticon/jest\0');
  const pluginDist = dirname(require.resolve('@panopticon/babel-plugin'));
  for (const name of readdirSync(pluginDist).filter((f) => f.endsWith('.js')).sort()) {
    hash.update(name).update('\0').update(readFileSync(join(pluginDist, name)));
  }
  for (const own of [__filename, require.resolve('./coverage-locations')]) hash.update(readFileSync(own));
  return hash.digest('hex');
})();

/**
 * The transformer's options in the Jest config (`transform: { ...: ['@panopticon/jest', {...}] }`):
 * babel-jest's, plus `panopticon`, the instrumenter's own options (e.g. `{ args: true }` to record
 * argument and return values, include/exclude, functions).
 */
export type PanopticonTransformerConfig = TransformerConfig & { panopticon?: Record<string, unknown> };

export function createTransformer(config: PanopticonTransformerConfig = {}): Transformer {
  const { panopticon: instrumenterOptions = {}, ...babelConfig } = config;
  const optionsKey = JSON.stringify(instrumenterOptions);
  // One babel-jest transformer per root dir: the instrumenter names files relative to it, and
  // that is only known per call (a multi-project run has several).
  const byRoot = new Map<string, Transformer>();
  const babelFor = (options: Options): Transformer => {
    const rootDir = options.config.rootDir;
    let transformer = byRoot.get(rootDir);
    if (transformer === undefined) {
      const plugins = [...(babelConfig.plugins ?? []), [instrumenter, { ...instrumenterOptions, cwd: rootDir }], coverageLocations];
      transformer = babelJest.createTransformer({ ...babelConfig, plugins }) as Transformer;
      byRoot.set(rootDir, transformer);
    }
    return transformer;
  };

  return {
    canInstrument: true,
    getCacheKey(sourceText: string, sourcePath: string, options: Options): string {
      const plain = babelFor(options).getCacheKey!(sourceText, sourcePath, options);
      return createHash('sha1').update(plain).update('\0panopticon\0').update(INSTRUMENTER_KEY).update(optionsKey).digest('hex').slice(0, 32);
    },
    process(sourceText: string, sourcePath: string, options: Options): TransformedSource {
      return babelFor(options).process(sourceText, sourcePath, options);
    },
  };
}

// panopticon-ignore-file: the tracer's own code is not traced (under `panopticon -- jest` it would
// be, when not installed under node_modules, and its frames would close the spans it opens).
