// Shared by the tests: run programs plain and traced in real child processes, and read a trace
// back through the independent checker (../shared/tools/check-trace.mjs), as a viewer would.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const PANOPTICON = join(ROOT, 'packages', 'cli', 'bin', 'panopticon.js');

/** The checker lives outside the repository; look where a checkout and CI can find it. */
export function checkerPath() {
  const candidates = [process.env.PANOPTICON_CHECK_TRACE, join(ROOT, '..', 'shared', 'tools', 'check-trace.mjs'), '/work/shared/tools/check-trace.mjs'];
  const found = candidates.find((c) => c && existsSync(c));
  if (!found) throw new Error(`check-trace.mjs not found (looked at ${candidates.filter(Boolean).join(', ')}); set PANOPTICON_CHECK_TRACE`);
  return found;
}

export function tempDir(prefix = 'panopticon-test-') {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Runs `node ARGS` plainly. */
export function runNode(args, options = {}) {
  return spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 60_000, ...options });
}

/** Runs the panopticon CLI with ARGS. */
export function runPanopticon(args, options = {}) {
  return spawnSync(process.execPath, [PANOPTICON, ...args], { encoding: 'utf8', timeout: 60_000, ...options });
}

/**
 * Checks a trace file with check-trace and returns its model ({threads, flows, ...}) and the
 * checker's output. `errors` is the number of errors the checker found.
 */
export function readTrace(path) {
  const checked = spawnSync(process.execPath, [checkerPath(), path], { encoding: 'utf8' });
  // The dump goes to a file: the checker exits right after a large write, which a pipe cuts short.
  const dumpPath = `${path}.dump.json`;
  const fd = openSync(dumpPath, 'w');
  try {
    spawnSync(process.execPath, [checkerPath(), path, '--dump', '--quiet'], { stdio: ['ignore', fd, 'ignore'] });
  } finally {
    closeSync(fd);
  }
  let model = null;
  try {
    model = JSON.parse(readFileSync(dumpPath, 'utf8'));
  } catch {
    // left null: the assertion on `ok` says why
  }
  return { ok: checked.status === 0, report: checked.stdout + checked.stderr, model };
}

/** All slices of a model, flattened, each with its thread's pid and tid. */
export function slicesOf(model) {
  const threads = Array.isArray(model.threads) ? model.threads : Object.values(model.threads);
  return threads.flatMap((t) => t.slices.map((s) => ({ ...s, pid: t.pid, tid: t.tid, thread: t.name })));
}

/**
 * Runs `node ARGS` from ROOT without blocking, so a test can run a plain and a traced run at once
 * (each traced run is two node processes plus Babel). Resolves to {status, signal, stdout, stderr}.
 */
export function runAsync(args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: env ? { ...process.env, ...env } : process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr });
    });
  });
}
