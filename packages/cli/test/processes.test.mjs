// Several processes in one trace: `panopticon -- COMMAND` runs any command, and every Node
// process it starts (fork, spawn with an env of its own, shells, npm scripts) leaves its events
// in the session directory; the command merges them into one trace, one process per OS process,
// and ends as the program did (exit code or signal).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runPanopticon, readTrace, slicesOf, tempDir } from '../../../test/support/helpers.mjs';
import { FIXTURES, FINAL_LINE, traced } from './support/cli.mjs';

const DIR = join(FIXTURES, 'processes');
const CHILD = join(DIR, 'child.js');

/** The checked model of a trace, and its processes as [{pid, name, slices}]. */
function processesOf(path) {
  const trace = readTrace(path);
  assert.ok(trace.ok, trace.report);
  const slices = slicesOf(trace.model);
  return Object.entries(trace.model.processes).map(([pid, name]) => ({ pid: Number(pid), name, slices: slices.filter((s) => s.pid === Number(pid)) }));
}

/** The one process whose name (its command line) ends with `tail`. */
function processNamed(processes, tail) {
  const found = processes.filter((p) => p.name.endsWith(tail));
  assert.equal(found.length, 1, `one process named ...${tail}: ${processes.map((p) => p.name).join(' | ')}`);
  return found[0];
}

test('fork, spawn with an env without NODE_OPTIONS, and a shell: one process each, named, with slices', () => {
  const run = traced([join(DIR, 'family.js')], { cwd: DIR });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout.split('\n').filter(Boolean).sort().join('\n'), ['child FORKED', 'child SHELL', 'child SPAWNED', 'parent done: fork spawn shell'].sort().join('\n'));
  assert.ok(run.final, run.stderr);
  assert.equal(run.final[3], '4', 'the parent and three node children (the shell is not node)');
  const processes = processesOf(run.out);
  assert.equal(processes.length, 4);
  const parent = processNamed(processes, 'family.js');
  assert.ok(parent.slices.some((s) => s.name === 'allDone'));
  for (const label of ['forked', 'spawned', 'shell']) {
    const child = processNamed(processes, `child.js ${label}`);
    assert.ok(child.slices.some((s) => s.name === 'work'), `the ${label} child has its slices`);
    assert.notEqual(child.pid, parent.pid);
  }
});

test('-- COMMAND: a shell script and an npm script that start node; exit codes pass through', () => {
  const script = traced(['--', './scripted.sh'], { cwd: DIR });
  assert.equal(script.status, 0, script.stderr);
  assert.equal(script.stdout, 'child FIRST\nchild SECOND\n');
  const fromScript = processesOf(script.out);
  assert.equal(fromScript.length, 2);
  for (const label of ['first', 'second']) assert.ok(processNamed(fromScript, `child.js ${label}`).slices.some((s) => s.name === 'work'));

  const npm = traced(['--', 'npm', 'run', '--silent', 'hello'], { cwd: DIR });
  assert.equal(npm.status, 0, npm.stderr);
  assert.equal(npm.stdout, 'child FROM-NPM\n');
  const fromNpm = processesOf(npm.out);
  assert.ok(processNamed(fromNpm, 'child.js from-npm').slices.some((s) => s.name === 'work'), 'the script npm started is traced');

  const exit = traced(['--', process.execPath, '-e', 'process.exit(7)']);
  assert.equal(exit.status, 7);
  assert.ok(exit.final, exit.stderr);
  assert.equal(exit.final[3], '1');
  const shellExit = traced(['--', 'sh', '-c', 'exit 3']);
  assert.equal(shellExit.status, 3);
  assert.match(shellExit.stderr, /^panopticon: no trace was written/m, 'no node process ran');
});

test('-- COMMAND: death by a signal passes through, the trace is written first', () => {
  const node = traced(['--', process.execPath, '-e', `require(${JSON.stringify(CHILD)}); process.kill(process.pid, 'SIGTERM'); setTimeout(() => {}, 5000)`]);
  assert.equal(node.signal, 'SIGTERM', node.stderr);
  assert.ok(node.final, node.stderr);
  assert.ok(node.slices.some((s) => s.name === 'work'));
  const shell = traced(['--', 'sh', '-c', 'kill -HUP $$']);
  assert.equal(shell.signal, 'SIGHUP');
});

test('a child killed with SIGKILL is named in a warning, and the trace is still valid', () => {
  const run = traced([join(DIR, 'kill-child.js')], { cwd: DIR });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout, 'child ended by SIGKILL\n');
  // Parts are streamed: the victim's part holds what it recorded up to the last drain (its
  // process metadata at least), cut off where it died.
  assert.match(run.stderr, /^panopticon: process \d+ \(node victim\.js waiting\) was killed while it wrote its events: the trace has those it wrote$/m);
  assert.ok(run.final, run.stderr);
  assert.ok(processNamed(processesOf(run.out), 'victim.js waiting'), 'the victim is a process of the trace');
  assert.ok(run.slices.some((s) => s.name === 'killWhenReady'));
});

test('-e and SCRIPT runs trace their children too', () => {
  const code = `require('child_process').execFileSync(process.execPath, [${JSON.stringify(CHILD)}, 'from-eval'], { stdio: 'inherit', env: {} })`;
  const run = traced(['-e', code]);
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout, 'child FROM-EVAL\n');
  assert.equal(run.final?.[3], '2', run.stderr);
  assert.ok(processNamed(processesOf(run.out), 'child.js from-eval').slices.some((s) => s.name === 'work'));
});

test('a command that cannot be found: exit 127, a message, no trace, no session left', () => {
  const tmp = tempDir();
  const out = join(tmp, 'trace.json');
  const run = runPanopticon(['-o', out, '--', 'no-such-command-panopticon'], { env: { ...process.env, TMPDIR: tmp } });
  assert.equal(run.status, 127);
  assert.match(run.stderr, /^panopticon: could not start no-such-command-panopticon: .*ENOENT/m);
  assert.doesNotMatch(run.stderr, FINAL_LINE);
  assert.ok(!existsSync(out));
  assert.deepEqual(readdirSync(tmp), []);
});

test('-- with nothing after it, or with -e: usage errors before anything runs', () => {
  for (const [args, message] of [
    [['--'], /no command after --/],
    [['-e', 'console.log(1)', '--', 'ls'], /give code \(-e\) or a command \(-- COMMAND\), not both/],
  ]) {
    const run = runPanopticon(args, { cwd: tempDir() });
    assert.equal(run.status, 2, args.join(' '));
    assert.match(run.stderr, message);
    assert.equal(run.stdout, '');
  }
  // After the script, -- belongs to the program.
  const run = traced(['basics/argv.js', '--', '-x']);
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(JSON.parse(run.stdout).rest, ['--', '-x']);
});
