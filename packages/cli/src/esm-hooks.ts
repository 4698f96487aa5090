// Module customization hooks (module.register, run on Node's hooks thread) for ES modules:
// instrument their source, strip TypeScript, and let `./x.js` find `./x.ts` as tsc users write.
// CommonJS is left to the CommonJS loader (see cjs-hooks.ts): returning its source here would
// route every require() through these hooks and take away require.cache.
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fileFilter, type FileFilter } from './filter';
import { transformFile, isTypeScript, setPluginOptions } from './transform';
import { typeScriptFormat } from './module-format';
import type { TraceOptions } from './options';

interface ResolveContext { parentURL?: string; conditions: string[]; importAttributes?: Record<string, string> }
interface LoadContext { format?: string; conditions: string[]; importAttributes?: Record<string, string> }
interface ResolveResult { url: string; format?: string | null; shortCircuit?: boolean }
interface LoadResult { format: string; source?: string | ArrayBuffer | Uint8Array | null; shortCircuit?: boolean }

let options: TraceOptions;
let instrumentable: FileFilter;

export function initialize(data: TraceOptions): void {
  options = data;
  instrumentable = fileFilter(data);
  setPluginOptions(data);
}

const JS_TO_TS: Record<string, string[]> = { '.js': ['.ts', '.tsx'], '.mjs': ['.mts'], '.cjs': ['.cts'], '.jsx': ['.tsx'] };

export async function resolve(
  specifier: string,
  context: ResolveContext,
  nextResolve: (specifier: string, context?: ResolveContext) => Promise<ResolveResult>,
): Promise<ResolveResult> {
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    const relativeJs = /^(\.{1,2}\/|\/|file:)/.test(specifier) && JS_TO_TS[extname(specifier)];
    if ((error as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND' || !relativeJs) throw error;
    const stem = specifier.slice(0, -extname(specifier).length);
    for (const ext of relativeJs) {
      try {
        return await nextResolve(stem + ext, context);
      } catch {
        // try the next one
      }
    }
    throw error;
  }
}

export async function load(
  url: string,
  context: LoadContext,
  nextLoad: (url: string, context?: LoadContext) => Promise<LoadResult>,
): Promise<LoadResult> {
  if (!url.startsWith('file:')) return nextLoad(url, context);
  const filename = fileURLToPath(url);
  if (isTypeScript(filename)) {
    const source = readFileSync(filename, 'utf8');
    if (typeScriptFormat(filename, source) === 'commonjs') return { format: 'commonjs', shortCircuit: true };
    const code = transformFile(source, filename, 'module', instrumentable(filename), options.cwd)!;
    return { format: 'module', source: code, shortCircuit: true };
  }
  const result = await nextLoad(url, context);
  if (result.format === 'commonjs') return { format: 'commonjs', shortCircuit: true };
  if (result.format !== 'module' || !instrumentable(filename) || result.source == null) return result;
  const code = transformFile(String(Buffer.from(result.source as Uint8Array)), filename, 'module', true, options.cwd);
  return code === null ? result : { ...result, source: code };
}
