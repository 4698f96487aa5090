// The workloads: one made of nothing but calls, a real program doing real work, and async code
// (async functions awaiting each other, async generators feeding each other).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ROOT, instrument } from './modes.mjs';

const require = createRequire(import.meta.url);

const FIB_N = 30;
const PARSES = 1;
// 4^8 leaves under 1 + 4 + ... + 4^7 branches: 87,381 async function instances.
const TREE = { depth: 8, fanout: 4 };
const ITEMS = 50_000;

function fib() {
  const filename = join(ROOT, 'bench/workloads/fib.cjs');
  const source = readFileSync(filename, 'utf8');
  return {
    name: 'call-heavy',
    tracedTarget: 1.15,
    idleTarget: null,
    idleNote: 'nothing here but calls',
    title: `recursive fib(${FIB_N})`,
    source,
    instrumented: instrument(source, filename),
    filename,
    run: (exports) => exports(FIB_N),
  };
}

function acorn() {
  const filename = require.resolve('acorn') // dist/acorn.js, the CommonJS build;
  const source = readFileSync(filename, 'utf8');
  const inputFile = require.resolve('@babel/parser') // lib/index.js;
  const input = readFileSync(inputFile, 'utf8');
  const options = { ecmaVersion: 'latest', sourceType: 'script' };
  let sink;
  return {
    name: 'realistic',
    tracedTarget: 1.15,
    idleTarget: 1.1,
    title: `acorn ${require(join(filename, '../../package.json')).version} (instrumented with Babel) parsing @babel/parser/lib/index.js (${Math.round(input.length / 1024)} KiB) ${PARSES === 1 ? 'once' : `${PARSES}x`}`,
    source,
    instrumented: instrument(source, filename),
    filename,
    run: (exports) => {
      for (let i = 0; i < PARSES; i++) sink = exports.parse(input, options).body.length;
      return sink;
    },
  };
}

function async() {
  const filename = join(ROOT, 'bench/workloads/async.cjs');
  const source = readFileSync(filename, 'utf8');
  const options = { ...TREE, items: ITEMS };
  return {
    name: 'async',
    tracedTarget: 1.3,
    idleTarget: null,
    idleNote: 'none set',
    wakeups: true,
    title: `a tree of async calls (depth ${TREE.depth}, ${TREE.fanout} awaited children each), then ${ITEMS.toLocaleString('en-US')} items through async generators (source, map, filter, for await)`,
    source,
    instrumented: instrument(source, filename),
    filename,
    run: (exports) => exports(options),
  };
}

export const WORKLOADS = { fib, acorn, async };
