// What, besides a file's source and settings, decides its output: the code of the instrumenter
// and of Babel. Hashed by content, not version numbers, so a rebuilt plugin in a workspace (same
// version, new code) rebuilds the outputs.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { hash } from './manifest';

let cached: string | undefined;

export function toolchainHash(): string {
  if (cached !== undefined) return cached;
  const parts: string[] = [];
  const pluginDir = dirname(require.resolve('@panopticon/babel-plugin'));
  for (const name of readdirSync(pluginDir).filter((n) => n.endsWith('.js')).sort()) parts.push(name, readFileSync(join(pluginDir, name), 'utf8'));
  parts.push(readFileSync(join(__dirname, 'compile.js'), 'utf8'));
  parts.push((require('@babel/core') as { version: string }).version);
  return (cached = hash(parts.join('\0')));
}
