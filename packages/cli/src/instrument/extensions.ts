// File kinds by name: which files are sources to compile, and the name tsc gives each output.
import { extname } from 'node:path';

const DECLARATION = /\.d\.[mc]?ts$|\.d\.[^.]+\.ts$/;
const TYPESCRIPT = new Set(['.ts', '.mts', '.cts', '.tsx']);
const JAVASCRIPT = new Set(['.js', '.mjs', '.cjs', '.jsx']);

/** Declaration files are types only: copied as they are, never compiled. */
export function isDeclaration(file: string): boolean {
  return DECLARATION.test(file);
}

export function isTypeScriptSource(file: string): boolean {
  return TYPESCRIPT.has(extname(file)) && !isDeclaration(file);
}

export function isSource(file: string): boolean {
  return (TYPESCRIPT.has(extname(file)) || JAVASCRIPT.has(extname(file))) && !isDeclaration(file);
}

/** .ts and .tsx -> .js, .mts -> .mjs, .cts -> .cjs, .jsx -> .js (or .jsx when JSX is kept). */
export function outputName(file: string, keepJsx = false): string {
  const ext = extname(file);
  const base = file.slice(0, file.length - ext.length);
  switch (ext) {
    case '.ts': return `${base}.js`;
    case '.mts': return `${base}.mjs`;
    case '.cts': return `${base}.cjs`;
    case '.tsx': case '.jsx': return `${base}${keepJsx ? '.jsx' : '.js'}`;
    default: return file;
  }
}
