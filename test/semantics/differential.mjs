// Runs one fixture program plainly and traced, and returns both runs for comparison. Async, so a
// test file can run two fixtures at once (each traced run is two node processes plus Babel).
import { join } from 'node:path';
import { ROOT, PANOPTICON, tempDir, runAsync } from '../support/helpers.mjs';

const run = (args) => runAsync(args);

/**
 * `fixture` is relative to ROOT. The reference run is plain node; for TypeScript (which node 20
 * cannot run) it is the CLI with instrumentation excluded, so only the type stripping happens.
 */
export async function differential(fixture) {
  const out = join(tempDir('panopticon-semantics-'), 'trace.json');
  const ts = /\.[mc]?tsx?$/.test(fixture);
  const [plain, traced] = await Promise.all([
    ts ? run([PANOPTICON, '-o', join(tempDir(), 'untraced.json'), '--exclude', '**', fixture]) : run([fixture]),
    run([PANOPTICON, '-o', out, fixture]),
  ]);
  return { plain, traced, trace: out };
}

/** The CLI's own closing line ("panopticon: wrote N events to ..."), not part of the program's output. */
function withoutTracerReport(stderr) {
  return stderr.replace(/^panopticon: wrote .*\n/m, '');
}

/**
 * Differences that come from node itself printing through source maps (any transpiled program
 * shows them, node 20.x): an extra blank line after the caret of an uncaught error, frames that
 * lose their `[as alias]`, ES-module frames shown as paths instead of file:// URLs. And frames of
 * the CLI's own require hook (packages/cli/dist/cjs-hooks.js wraps Module.prototype._compile) in
 * the loader part of a stack: a known CLI issue, not the instrumenter's.
 */
export function normaliseStderr(stderr) {
  return withoutTracerReport(stderr)
    .replace(/^( *\^+ *)\n\n\n/m, '$1\n\n')
    .replace(/ \[as [^\]]+\]/g, '')
    .replace(/file:\/\//g, '')
    .split('\n')
    .filter((line) => !/^\s+at .*[/\\]packages[/\\](cli|runtime)[/\\]dist[/\\]/.test(line))
    .join('\n');
}
