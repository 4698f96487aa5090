// Reading back a trace too large for helpers.mjs's readTrace: check-trace --dump ends with
// process.exit() right after writing its model, which cuts a pipe's output short past ~64 KiB
// (pipe writes go asynchronous once the pipe is full). A file descriptor is written synchronously.
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkerPath, tempDir } from '../../../../test/support/helpers.mjs';

export function readBigTrace(path) {
  const checked = spawnSync(process.execPath, [checkerPath(), path], { encoding: 'utf8' });
  const dumpPath = join(tempDir(), 'dump.json');
  const fd = openSync(dumpPath, 'w');
  try {
    spawnSync(process.execPath, [checkerPath(), path, '--dump', '--quiet'], { stdio: ['ignore', fd, 'inherit'] });
  } finally {
    closeSync(fd);
  }
  return { ok: checked.status === 0, report: checked.stdout + checked.stderr, model: JSON.parse(readFileSync(dumpPath, 'utf8')) };
}
