// `panopticon view TRACE`: the real CLI in a child process serving on 127.0.0.1:9001, asked by a
// real HTTP client (node:http): the URL it prints, the file's bytes, the headers Perfetto UI needs
// (CORS for https://ui.perfetto.dev, the preflight with Private Network Access), 404 for anything
// else, exit after one fetch, --keep, a taken port, a missing file, loopback only. The tests share
// port 9001, so they run one after another (node:test runs a file's tests in order); --no-open.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer, connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { PANOPTICON, runPanopticon, tempDir } from '../../../test/support/helpers.mjs';

const ORIGIN = 'https://ui.perfetto.dev';
const dir = tempDir('panopticon-view-');

/** Starts `panopticon view ARGS`; resolves once it printed its URL. */
async function startView(args) {
  const child = spawn(process.execPath, [PANOPTICON, 'view', ...args, '--no-open'], { cwd: dir, env: { ...process.env, PANOPTICON_NO_OPEN: '1' } });
  let stdout = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
  const exited = once(child, 'exit').then(([code, signal]) => ({ code, signal, stdout, stderr }));
  child.stdout.setEncoding('utf8');
  while (!stdout.includes('\n')) {
    const [chunk] = await Promise.race([once(child.stdout, 'data'), exited.then((r) => assert.fail(`view exited early: ${JSON.stringify(r)}`))]);
    stdout += chunk;
  }
  child.stdout.on('data', (d) => (stdout += d));
  return { child, url: stdout.trim(), exited, stderr: () => stderr };
}

/** One HTTP request to the server: {status, headers, body (Buffer)}. */
function fetchRaw(method, path, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: 9001, method, path, headers: { Origin: ORIGIN, Connection: 'close', ...headers } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

function traceFile(name) {
  // a trace-like file with every byte value: served as is, not as text
  const bytes = Buffer.concat([Buffer.from('[{"ph":"M","name":"process_name","pid":1,"args":{"name":"x"}},\n'), randomBytes(300_000)]);
  writeFileSync(join(dir, name), bytes);
  return bytes;
}

test('view: prints the Perfetto URL, answers the preflight and 404s, serves the bytes once, then exits', async () => {
  const bytes = traceFile('my trace.json');
  const view = await startView(['my trace.json']);
  assert.equal(view.url, 'https://ui.perfetto.dev/#!/?url=http://127.0.0.1:9001/my%20trace.json');

  const preflight = await fetchRaw('OPTIONS', '/my%20trace.json', {
    'Access-Control-Request-Method': 'GET',
    'Access-Control-Request-Headers': 'range',
    'Access-Control-Request-Private-Network': 'true',
  });
  assert.equal(preflight.status, 204);
  assert.equal(preflight.headers['access-control-allow-origin'], ORIGIN);
  assert.match(preflight.headers['access-control-allow-methods'], /\bGET\b/);
  assert.equal(preflight.headers['access-control-allow-headers'], 'range');
  assert.equal(preflight.headers['access-control-allow-private-network'], 'true');

  for (const path of ['/', '/other.json', '/my%20trace.json/..', '/..%2Fetc%2Fpasswd', '/my%20trace.json.gz', '/MY%20TRACE.JSON']) {
    const other = await fetchRaw('GET', path);
    assert.equal(other.status, 404, path);
    assert.equal(other.headers['access-control-allow-origin'], ORIGIN);
  }
  const head = await fetchRaw('HEAD', '/my%20trace.json');
  assert.equal(head.status, 200);
  assert.equal(head.headers['content-length'], String(bytes.length));
  const post = await fetchRaw('POST', '/my%20trace.json');
  assert.equal(post.status, 405);

  // none of the above was a fetch of the trace: it is still serving
  assert.equal(view.child.exitCode, null);
  const got = await fetchRaw('GET', '/my%20trace.json');
  assert.equal(got.status, 200);
  assert.equal(got.headers['access-control-allow-origin'], ORIGIN);
  assert.equal(got.headers['content-length'], String(bytes.length));
  assert.ok(got.body.equals(bytes), 'the bytes of the file');
  const end = await view.exited;
  assert.equal(end.code, 0, end.stderr);
  assert.match(end.stderr, /the trace was fetched; stopping/);
  // and the port is free again
  const again = createServer();
  again.listen(9001, '127.0.0.1');
  await once(again, 'listening');
  again.close();
});

test('view --keep: serves every fetch until stopped; loopback only', async () => {
  const bytes = traceFile('kept.json');
  const view = await startView(['--keep', 'kept.json']);
  try {
    for (let i = 0; i < 3; i++) {
      const got = await fetchRaw('GET', '/kept.json');
      assert.equal(got.status, 200);
      assert.ok(got.body.equals(bytes));
    }
    assert.equal(view.child.exitCode, null, 'still serving');
    assert.match(view.stderr(), /Ctrl-C to stop/);
    // Not reachable on the machine's other addresses (when it has any)
    const outside = Object.values(networkInterfaces()).flat().filter((a) => a && !a.internal && a.family === 'IPv4');
    for (const { address } of outside) {
      const socket = connect(9001, address);
      const [error] = await once(socket, 'error').catch((e) => [e]);
      assert.equal(error.code, 'ECONNREFUSED', address);
    }
  } finally {
    view.child.kill('SIGTERM');
  }
  const end = await view.exited;
  assert.equal(end.signal, 'SIGTERM');
});

test('view: a clear error when the port is taken or the file does not exist', async () => {
  traceFile('t.json');
  const blocker = createServer();
  blocker.listen(9001, '127.0.0.1');
  await once(blocker, 'listening');
  try {
    const child = spawn(process.execPath, [PANOPTICON, 'view', 't.json', '--no-open'], { cwd: dir });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    const [code] = await once(child, 'exit');
    assert.equal(code, 1);
    assert.match(stderr, /panopticon: view: port 9001 on 127\.0\.0\.1 is in use/);
  } finally {
    blocker.close();
  }
  const missing = runPanopticon(['view', 'nope.json', '--no-open'], { cwd: dir });
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /panopticon: view: cannot find the trace nope\.json/);
  assert.equal(missing.stdout, '');
  const usage = runPanopticon(['view', '--no-open'], { cwd: dir });
  assert.equal(usage.status, 2);
  assert.match(usage.stderr, /view: give one trace file/);
});
