// Running the exit-path fixtures, plainly and under the panopticon CLI, as asynchronous child
// processes: a signal can only be sent to a program while it runs, which spawnSync cannot do.
import { spawn } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PANOPTICON, tempDir } from '../../../../test/support/helpers.mjs';

export const FIXTURES = join(fileURLToPath(import.meta.url), '..', '..', 'fixtures');

/**
 * Copies a fixture into a fresh temporary directory and returns its path there. The CLI never
 * instruments the tracer's own packages, so fixtures must run from outside packages/runtime.
 */
export function fixtureCopy(name) {
  const dir = tempDir('panopticon-runtime-');
  copyFileSync(join(FIXTURES, name), join(dir, name));
  return { dir, file: join(dir, name) };
}

/**
 * Spawns `node ARGS` in `cwd` and resolves with {status, signal, stdout, stderr} once it has
 * ended. `signal`, when given, is sent as soon as the program prints `pid N`: to that pid (the
 * program's own node process) or, with `to: 'spawned'`, to the process spawned here.
 */
export function runAsync(args, { cwd, signal, to = 'program' } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let sent = false;
    const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdout.setEncoding('utf8').on('data', (text) => {
      stdout += text;
      const pid = /^pid (\d+)$/m.exec(stdout);
      if (signal && pid && !sent) {
        sent = true;
        process.kill(to === 'spawned' ? child.pid : Number(pid[1]), signal);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (text) => {
      stderr += text;
    });
    child.on('error', reject);
    child.on('close', (status, sig) => {
      clearTimeout(killer);
      resolve({ status, signal: sig, stdout, stderr });
    });
  });
}

/** Runs `fixture ARGS` plainly and under the CLI (writing `trace`), both in the fixture's directory. */
export async function plainAndTraced(fixture, args, trace, options = {}) {
  const [plain, traced] = await Promise.all([
    runAsync([fixture.file, ...args], { cwd: fixture.dir, ...options }),
    runAsync([PANOPTICON, '-o', trace, fixture.file, ...args], { cwd: fixture.dir, ...options }),
  ]);
  return { plain, traced };
}
