// Runs one ordering fixture plainly and traced (at the same time: each traced run is two node
// processes plus Babel), with an optional environment, and compares what node printed to stderr
// the way the issue asks: everything but the stack frames exactly, and of the frames, how many
// there are and the first one's file:line (source maps are on in the traced run, so node words
// frames differently: function names from the map, `<anonymous> (path)` for `file://` URLs).
import { join } from 'node:path';
import { ROOT, PANOPTICON, tempDir, runAsync } from '../support/helpers.mjs';

const run = (args, env) => runAsync(args, env);

/**
 * `fixture` is relative to ROOT. The reference for TypeScript (which node 20 cannot run) is the
 * CLI with instrumentation excluded, so only the type stripping happens.
 */
export async function differential(fixture, env = {}) {
  const trace = join(tempDir('panopticon-ordering-'), 'trace.json');
  const ts = /\.[mc]?tsx?$/.test(fixture);
  const [plain, traced] = await Promise.all([
    ts ? run([PANOPTICON, '-o', join(tempDir(), 'untraced.json'), '--exclude', '**', fixture], env) : run([fixture], env),
    run([PANOPTICON, '-o', trace, fixture], env),
  ]);
  if (ts) plain.stderr = withoutTracerReport(plain.stderr);
  return { plain, traced: { ...traced, stderr: withoutTracerReport(traced.stderr) }, trace };
}

/** The CLI's own closing line ("panopticon: wrote N events to ..."), not the program's output. */
export function withoutTracerReport(stderr) {
  return stderr.replace(/^panopticon: wrote .*\n/m, '');
}

const FRAME = /^\s+at /;
const TRACER_FRAME = /[/\\]packages[/\\](cli|runtime)[/\\]dist[/\\]/;

/** stderr split into what must match exactly and the stack frames. */
export function stderrParts(stderr) {
  const lines = stderr
    .replace(/file:\/\//g, '')
    .replace(/\(node:\d+\)/g, '(node:PID)')
    // node prints one more blank line after the caret of an error it maps through a source map
    .replace(/^( *\^+ *)\n\n\n/gm, '$1\n\n')
    .split('\n');
  const frames = lines.filter((l) => FRAME.test(l) && !TRACER_FRAME.test(l));
  return { text: lines.filter((l) => !FRAME.test(l)).join('\n'), frames };
}

/** `file:line` of a stack frame line, whichever way node wrote it. */
export function frameLocation(frame) {
  const m = /\(?((?:\/|node:)[^\s()]*?):(\d+)(?::\d+)?\)?$/.exec(frame ?? '');
  return m ? `${m[1]}:${m[2]}` : frame;
}
