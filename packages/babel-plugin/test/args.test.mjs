// The plugin's `args` option: off, the emitted code is what it was; on, the chosen functions hand
// their parameter bindings and return values (and exceptions) to the recorder, and the program
// behaves as before: `arguments`, defaults, TDZ, `.length`, derived constructors, generators.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import vm from 'node:vm';
import { join } from 'node:path';
import { ROOT } from '../../../test/support/helpers.mjs';
import { instrument } from './transform.mjs';

const FILE = join(ROOT, 'src', 'args-snippet.js');
const HOOKS = /\.(args|returned|threw)\(|args: nothing/;

const PROGRAM = `
function add(a, b) { return a + b; }
function shapes({ x, y: [first] } = { y: [0] }, [p = 1, , q], ...rest) { return [x, first, p, q, rest.length]; }
const arrow = (v) => v * 2;
function fails(n) { throw new RangeError('n=' + n); }
function* gen(s) { const got = yield s; return got + 1; }
async function later(x) { await null; return x + 1; }
async function rejects(r) { await null; throw new TypeError('r=' + r); }
function withReturn(o) { with (o) { return k; } }
function bare() { return; }
function noParams() { return 'k'; }
class Base { constructor(v) { this.v = v; } }
class Derived extends Base { constructor(w) { super(w * 10); } get twice() { return this.v * 2; } }
function mapped(a) { arguments[0] = 'changed'; return a; }
let order = [];
function defaults(a = order.push('a'), b = order.push('b')) { return order.join(); }
function tdz(a = b, b) { return a; }
const results = [add(1, 2), shapes({ x: 'x', y: ['f'] }, [undefined, 0, 'q'], 7, 8), arrow(4), new Derived(2).twice, mapped('orig'), defaults(), add.length, shapes.length, defaults.length, noParams(), bare()];
try { fails(3); } catch (e) { results.push(e.message); }
try { tdz(); } catch (e) { results.push(e.name); }
const g = gen('s'); results.push(g.next().value, g.next(41).value);
results.push(withReturn({ k: 'from with' }));
globalThis.done = rejects(5).catch((e) => e.message).then((m) => later(1).then((v) => results.concat(v, m)));
`;

/** A recorder that notes every hook call (frames are depths; instances count up). */
function recordingContext() {
  const calls = [];
  let depth = 0;
  let co = 0;
  const recorder = {
    recording: true,
    register: () => 0,
    enter: () => ++depth,
    exit: (frame) => { depth = frame - 1; },
    begin: () => ++co,
    beginAsync: () => ++co,
    end() {}, fail() {}, caught() {}, enteredFinally() {},
    suspendAwait: (c, v) => v, resumeAwait: (c, v) => v, suspendYield: (c, v) => v, resumeNext: (c, v) => v,
    args: (frame, names, ...values) => calls.push(['args', names, values]),
    returned: (frame, value) => { calls.push(['returned', value]); return value; },
    threw: (frame, error) => calls.push(['threw', error?.message ?? error]),
  };
  const context = vm.createContext({});
  context.recorder = recorder;
  vm.runInContext("Object.defineProperty(globalThis, Symbol.for('panopticon.runtime'), { value: recorder })", context);
  return { context, calls };
}

async function run(code, context = vm.createContext({})) {
  vm.runInContext(code, context);
  return JSON.stringify(await context.done);
}

test('args off: the same code as without the option, and no value hooks in it', () => {
  const plain = instrument(PROGRAM, { filename: FILE });
  assert.equal(instrument(PROGRAM, { filename: FILE, pluginOptions: { args: false } }), plain);
  assert.equal(instrument(PROGRAM, { filename: FILE, pluginOptions: { args: undefined, functions: {} } }), plain);
  assert.doesNotMatch(plain, HOOKS);
});

test('args on: the program behaves the same, with a recorder and without one', async () => {
  const expected = await run(PROGRAM);
  const code = instrument(PROGRAM, { filename: FILE, pluginOptions: { args: true } });
  assert.match(code, HOOKS);
  assert.equal(await run(code), expected);
  assert.equal(await run(code, recordingContext().context), expected);
  assert.doesNotMatch(code, /arguments\)|\.apply\(/);
});

test('args on: the hooks see each parameter binding after defaults, return values and exceptions', async () => {
  const { context, calls } = recordingContext();
  await run(instrument(PROGRAM, { filename: FILE, pluginOptions: { args: true } }), context);
  const of = (names) => calls.find((c) => c[0] === 'args' && c[1] === names);
  assert.deepEqual(of('a,b')[2], [1, 2]);
  assert.deepEqual(JSON.parse(JSON.stringify(of('x,first,p,q,rest')[2])), ['x', 'f', 1, 'q', [7, 8]]);
  assert.deepEqual(of('v')[2], [4]);
  assert.deepEqual(of('w')[2], [2]);
  assert.deepEqual(of('s')[2], ['s']);
  assert.deepEqual(of('x')[2], [1]);
  assert.deepEqual(of('n')[2], [3]);
  // sloppy `arguments` stays mapped: the binding read after the write in the body is not, at entry
  assert.deepEqual(of('a')[2], ['orig']);
  const returned = calls.filter((c) => c[0] === 'returned').map((c) => JSON.stringify(c[1]));
  for (const value of ['3', '["x","f",1,"q",2]', '8', '40', '"changed"', '"a,b"', '"k"', '42', '2']) assert.ok(returned.includes(value), `${value} not in ${returned}`);
  assert.ok(!calls.some((c) => c[0] === 'returned' && c[1] === undefined), 'a bare return is not a value');
  // an exception is noted where the body already has a catch (coroutines), not added to plain functions
  assert.deepEqual(calls.filter((c) => c[0] === 'threw').map((c) => c[1]), ['r=5']);
  assert.ok(!returned.includes('"from with"'), 'a return inside `with` is left alone');
  assert.ok(!calls.some((c) => c[0] === 'args' && c[1] === ''), 'functions without parameters call no args hook');
});

test('args filters: function-name globs and file globs', () => {
  const only = instrument(PROGRAM, { filename: FILE, pluginOptions: { args: { functions: ['add', 'get Derived.*'] } } });
  assert.match(only, /function add\(a, b\) \{[^}]*\.args\(__panopticon_frame, "a,b", a, b\)/);
  assert.match(only, /get twice\(\) \{[^]*?returned\(/);
  assert.doesNotMatch(only, /"v", v\)/);
  const elsewhere = instrument(PROGRAM, { filename: FILE, pluginOptions: { args: { files: ['lib/**'] } } });
  assert.doesNotMatch(elsewhere, /\.(args|returned|threw)\(/);
  const here = instrument(PROGRAM, { filename: FILE, pluginOptions: { args: { files: ['src/*.js'] } } });
  assert.match(here, /\.args\(/);
});

test('args on TypeScript: a `this` parameter binds nothing, parameter properties are read', () => {
  const code = instrument('class P { constructor(private x: number, readonly y = 2) {} } function f(this: P, n: number) { return n; }', {
    filename: join(ROOT, 'src', 'p.ts'),
    pluginOptions: { args: true },
    presets: [[join(ROOT, 'node_modules', '@babel', 'preset-typescript'), {}]],
  });
  assert.match(code, /"x,y", x, y\)/);
  assert.match(code, /"n", n\)/);
});

test('args with the classic-script runtime in a realm without Node: primitives in full, objects only by kind', async () => {
  const { readFileSync, writeFileSync } = await import('node:fs');
  const { readTrace, slicesOf, tempDir } = await import('../../../test/support/helpers.mjs');
  const context = vm.createContext({});
  vm.runInContext(readFileSync(join(ROOT, 'packages', 'runtime', 'dist', 'global.js'), 'utf8'), context);
  vm.runInContext("globalThis[Symbol.for('panopticon.runtime')].start()", context);
  const expected = await run(PROGRAM);
  assert.equal(await run(instrument(PROGRAM, { filename: FILE, pluginOptions: { args: true } }), context), expected);
  const path = join(tempDir(), 'vm-args.json');
  writeFileSync(path, vm.runInContext("globalThis[Symbol.for('panopticon.api')].chromeTrace()", context));
  const checked = readTrace(path);
  assert.ok(checked.ok, checked.report);
  const slice = (name) => slicesOf(checked.model).find((s) => s.name === name).args;
  assert.equal(slice('add')['args.a'], '1');
  assert.equal(slice('add').return, '3');
  assert.equal(slice('shapes')['args.x'], '"x"');
  assert.equal(slice('shapes')['args.rest'], '[Array]');
  assert.equal(slice('shapes').return, '[Array]');
});
