// The two workloads: one made of nothing but calls, and a real program doing real work.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ROOT, instrument } from './modes.mjs';

const require = createRequire(import.meta.url);

const FIB_N = 30;
const PARSES = 1;

function fib() {
  const filename = join(ROOT, 'bench/workloads/fib.cjs');
  const source = readFileSync(filename, 'utf8');
  return {
    name: 'call-heavy',
    idleTarget: false,
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
    idleTarget: true,
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

export const WORKLOADS = { fib, acorn };
