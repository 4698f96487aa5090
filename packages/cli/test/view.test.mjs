// `panopticon view TRACE`: the real CLI in a child process serving on 127.0.0.1:9001, asked by a
// real HTTP client (node:http): the URL it prints, the file's bytes, the headers Perfetto UI needs
// (CORS for https://ui.perfetto.dev, the preflight with Private Network Access), 404 for anything
// else, exit after one fetch, --keep, a taken port, a missing file, loopback only. Each test serves
// on a free port (PANOPTICON_VIEW_PORT), so test runs side by side, or a real `view` on 9001, do
// not collide; the port-taken test checks 9001 is the default. Never a browser (--no-open).
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
// A server still running when this file ends (say, the runner timed it out) is stopped with it.
const running = new Set();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** A port nobody listens on, as the system hands them out. */
async function freePort() {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address();
  probe.close();
  await once(probe, 'close');
  return port;
}

/** Starts `panopticon view ARGS` on a free port; resolves once it printed its URL. */
async function startView(args) {
  const port = await freePort();
  const env = { ...process.env, PANOPTICON_NO_OPEN: '1', PANOPTICON_VIEW_PORT: String(port) };
  const child = spawn(process.execPath, [PANOPTICON, 'view', ...args, '--no-open'], { cwd: dir, env });
  running.add(child);
  child.on('exit', () => running.delete(child));
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
  const fetch = (method, path, headers) => fetchRaw(port, method, path, headers);
  return { child, port, url: stdout.trim(), exited, stderr: () => stderr, fetch };
}

/** Runs `use(view)`; the server is stopped whatever happens (a failed test leaves none behind). */
async function withView(args, use) {
  const view = await startView(args);
  try {
    await use(view);
  } finally {
    if (view.child.exitCode === null && view.child.signalCode === null) view.child.kill('SIGTERM');
  }
  return view.exited;
}

/** One HTTP request to the server: {status, headers, body (Buffer)}. */
function fetchRaw(port, method, path, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers: { Origin: ORIGIN, Connection: 'close', ...headers } }, (res) => {
      const chunks = [];
      res.on('error', reject); // a response cut short fails the test instead of hanging it
      res.on('aborted', () => reject(new Error(`${method} ${path}: the response was cut short`)));
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
  let port;
  const end = await withView(['my trace.json'], async (view) => {
    port = view.port;
    assert.equal(view.url, `https://ui.perfetto.dev/#!/?url=http://127.0.0.1:${port}/my%20trace.json`);

    const preflight = await view.fetch('OPTIONS', '/my%20trace.json', {
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
      const other = await view.fetch('GET', path);
      assert.equal(other.status, 404, path);
      assert.equal(other.headers['access-control-allow-origin'], ORIGIN);
    }
    const head = await view.fetch('HEAD', '/my%20trace.json');
    assert.equal(head.status, 200);
    assert.equal(head.headers['content-length'], String(bytes.length));
    const post = await view.fetch('POST', '/my%20trace.json');
    assert.equal(post.status, 405);

    // none of the above was a fetch of the trace: it is still serving
    assert.equal(view.child.exitCode, null);
    const got = await view.fetch('GET', '/my%20trace.json');
    assert.equal(got.status, 200);
    assert.equal(got.headers['access-control-allow-origin'], ORIGIN);
    assert.equal(got.headers['content-length'], String(bytes.length));
    assert.ok(got.body.equals(bytes), 'the bytes of the file');
    await view.exited;
  });
  assert.equal(end.code, 0, end.stderr);
  assert.match(end.stderr, /the trace was fetched; stopping/);
  // and the port is free again
  const again = createServer().listen(port, '127.0.0.1');
  await once(again, 'listening');
  again.close();
});

test('view --keep: serves every fetch until stopped; loopback only', async () => {
  const bytes = traceFile('kept.json');
  const end = await withView(['--keep', 'kept.json'], async (view) => {
    for (let i = 0; i < 3; i++) {
      const got = await view.fetch('GET', '/kept.json');
      assert.equal(got.status, 200);
      assert.ok(got.body.equals(bytes));
    }
    assert.equal(view.child.exitCode, null, 'still serving');
    assert.match(view.stderr(), /Ctrl-C to stop/);
    // Not reachable on the machine's other addresses (when it has any)
    const outside = Object.values(networkInterfaces()).flat().filter((a) => a && !a.internal && a.family === 'IPv4');
    for (const { address } of outside) {
      const socket = connect(view.port, address);
      const [error] = await once(socket, 'error').catch((e) => [e]);
      assert.equal(error.code, 'ECONNREFUSED', address);
    }
  });
  assert.equal(end.signal, 'SIGTERM', 'stopped by the test, not by itself');
});

test('view: a clear error when the port (9001 by default) is taken or the file does not exist', async () => {
  traceFile('t.json');
  // Hold 9001 (if something else holds it already, it is taken all the same)
  const blocker = createServer().listen(9001, '127.0.0.1');
  await new Promise((resolve) => blocker.once('listening', resolve).once('error', resolve));
  try {
    const env = { ...process.env, PANOPTICON_VIEW_PORT: '' };
    const child = spawn(process.execPath, [PANOPTICON, 'view', 't.json', '--no-open'], { cwd: dir, env });
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
