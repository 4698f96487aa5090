// Whether a TypeScript file is an ES module or CommonJS, decided as node decides for JavaScript:
// the extension (.mts/.cts), else the nearest package.json "type", else the syntax.
import { readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { hasModuleSyntax } from './transform';

const typeByDir = new Map<string, string | undefined>();

/** The "type" of the nearest package.json above `filename`, if it says one. */
export function packageType(filename: string): string | undefined {
  const seen: string[] = [];
  let type: string | undefined;
  for (let dir = dirname(filename); ; dir = dirname(dir)) {
    if (typeByDir.has(dir)) {
      type = typeByDir.get(dir);
      break;
    }
    seen.push(dir);
    const found = readPackageType(join(dir, 'package.json'));
    if (found !== null) {
      type = found;
      break;
    }
    if (dirname(dir) === dir) break;
  }
  for (const dir of seen) typeByDir.set(dir, type);
  return type;
}

/** null: no package.json here; otherwise its "type" (undefined when it has none). */
function readPackageType(path: string): string | undefined | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return null;
  }
  try {
    const type = (JSON.parse(text) as { type?: unknown }).type;
    return typeof type === 'string' ? type : undefined;
  } catch {
    return undefined;
  }
}

export function typeScriptFormat(filename: string, source: string): 'module' | 'commonjs' {
  const ext = extname(filename);
  if (ext === '.mts') return 'module';
  if (ext === '.cts') return 'commonjs';
  const type = packageType(filename);
  if (type === 'module') return 'module';
  if (type === 'commonjs') return 'commonjs';
  return hasModuleSyntax(source, filename) ? 'module' : 'commonjs';
}
