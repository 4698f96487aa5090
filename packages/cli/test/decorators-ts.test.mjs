// TypeScript decorators under `panopticon` and `panopticon-instrument`: compiled as tsc would, TC39 by
// default and legacy when the governing tsconfig sets experimentalDecorators. Differential: the
// same file compiled by the real tsc and run with plain node prints the same.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, runNode, runPanopticon, tempDir } from '../../../test/support/helpers.mjs';
import { checkedSlices } from './support/cli.mjs';
import { cleanEnv, runInstrument } from './fixtures/instrument/support.mjs';

const require = createRequire(import.meta.url);
const ts = require('typescript');

// A decorator of each protocol that logs what it was given and wraps the method, plus @traced.
const TC39 = `
import { traced } from '@panopticon/runtime';
function logged(value: any, context: ClassMethodDecoratorContext) {
  console.log('decorating', String(context.name), context.kind, context.static);
  return function (this: any, ...args: any[]) { console.log('call', String(context.name), args); return value.apply(this, args); };
}
export class Store {
  items = [1, 2, 3];
  @logged add(n: number) { this.items.push(n); return this.items.length; }
  @traced get size() { return this.items.length; }
  @traced async total() { await null; return this.items.reduce((a, b) => a + b, 0); }
}
const s = new Store();
console.log(s.add(4), s.size, await s.total(), Store.prototype.add.name, Store.prototype.add.length);
`;

const LEGACY = `
import { traced } from '@panopticon/runtime';
// reflect-metadata's two functions, enough for the constructor's design:paramtypes
const store = new Map<any, Record<string, any>>();
(Reflect as any).metadata = (k: string, v: any) => (target: any, key?: string | symbol) => {
  if (key === undefined) store.set(target, { ...store.get(target), [k]: v });
};
function Injectable() { return (target: any) => { console.log('injectable', target.name); }; }
function Inject(token: string) { return (target: any, key: any, index: number) => console.log('inject', token, 'at', index, typeof target); }
class Dep {}
@Injectable()
class Service { constructor(@Inject('dep') readonly dep: Dep, readonly n: number) {} }
console.log('paramtypes', (store.get(Service)?.['design:paramtypes'] ?? []).map((t: any) => t.name));
function logged(target: any, key: string, descriptor: PropertyDescriptor) {
  console.log('decorating', key, typeof target, typeof descriptor.value);
  const original = descriptor.value;
  descriptor.value = function (this: any, ...args: any[]) { console.log('call', key, args); return original.apply(this, args); };
}
export class Store {
  items = [1, 2, 3];
  @logged add(n: number) { this.items.push(n); return this.items.length; }
  @traced get size() { return this.items.length; }
}
const s = new Store();
console.log(s.add(4), s.size, Store.prototype.add.length);
`;

function compileWithTsc(source, options) {
  return ts.transpileModule(source, { compilerOptions: { target: ts.ScriptTarget.ES2022, ...options } }).outputText;
}

function project(name, files) {
  const dir = join(tempDir(`panopticon-decorators-${name}-`), name);
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  // the program imports @panopticon/runtime as an installed package
  mkdirSync(join(dir, 'node_modules', '@panopticon'), { recursive: true });
  symlinkSync(join(ROOT, 'packages', 'runtime'), join(dir, 'node_modules', '@panopticon', 'runtime'), 'dir');
  return dir;
}

test('TC39 decorators in a .mts file run as tsc compiles them, and the trace shows the decorated methods', () => {
  const dir = project('tc39', { 'store.mts': TC39, 'plain.mjs': compileWithTsc(TC39, { module: ts.ModuleKind.ESNext }) });
  const plain = runNode(['plain.mjs'], { cwd: dir });
  assert.equal(plain.status, 0, plain.stderr);
  assert.match(plain.stdout, /decorating add method false/);
  const out = join(dir, 'trace.json');
  const traced = runPanopticon(['-o', out, 'store.mts'], { cwd: dir });
  assert.equal(traced.status, 0, traced.stderr);
  assert.equal(traced.stdout, plain.stdout);
  const names = checkedSlices(out).map((s) => s.name);
  for (const name of ['Store.add', 'get Store.size', 'Store.total']) assert.ok(names.includes(name), `${name} in ${names}`);
});

test('with experimentalDecorators in tsconfig.json (found through extends), legacy, parameter decorators and emitDecoratorMetadata run as tsc compiles them', () => {
  const dir = project('legacy', {
    'tsconfig.base.json': '{\n  // JSONC, as tsc reads it\n  "compilerOptions": { "experimentalDecorators": true, "emitDecoratorMetadata": true, },\n}\n',
    'tsconfig.json': '{ "extends": "./tsconfig.base.json" }\n',
    'store.ts': LEGACY,
    'plain.cjs': compileWithTsc(LEGACY, { module: ts.ModuleKind.CommonJS, experimentalDecorators: true, emitDecoratorMetadata: true }),
  });
  const plain = runNode(['plain.cjs'], { cwd: dir });
  assert.equal(plain.status, 0, plain.stderr);
  assert.match(plain.stdout, /decorating add object function/);
  assert.match(plain.stdout, /inject dep at 0 function\ninjectable Service\nparamtypes \[ 'Dep', 'Number' \]/);
  const out = join(dir, 'trace.json');
  const traced = runPanopticon(['-o', out, 'store.ts'], { cwd: dir });
  assert.equal(traced.status, 0, traced.stderr);
  assert.equal(traced.stdout, plain.stdout);
  const names = checkedSlices(out).map((s) => s.name);
  for (const name of ['Store.add', 'get Store.size']) assert.ok(names.includes(name), `${name} in ${names}`);
});

test('panopticon-instrument compiles a tsconfig project\'s legacy decorators and metadata as tsc does', () => {
  const dir = project('instrumented', {
    'tsconfig.json': JSON.stringify({ compilerOptions: { experimentalDecorators: true, emitDecoratorMetadata: true, module: 'commonjs', target: 'es2022', outDir: 'out', rootDir: 'src' }, include: ['src'] }),
    'plain.cjs': compileWithTsc(LEGACY, { module: ts.ModuleKind.CommonJS, experimentalDecorators: true, emitDecoratorMetadata: true }),
  });
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'src', 'store.ts'), LEGACY);
  const built = runInstrument(['-p', 'tsconfig.json'], dir);
  assert.equal(built.status, 0, built.stderr);
  const plain = runNode(['plain.cjs'], { cwd: dir });
  assert.equal(plain.status, 0, plain.stderr);
  const out = join(dir, 'trace.json');
  const instrumented = runNode([join('out', 'store.js')], { cwd: dir, env: { ...cleanEnv(), PANOPTICON_OUTPUT: out } });
  assert.equal(instrumented.status, 0, instrumented.stderr);
  assert.equal(instrumented.stdout, plain.stdout);
  const names = checkedSlices(out).map((s) => s.name);
  for (const name of ['Store.add', 'get Store.size', 'Inject', 'logged']) assert.ok(names.includes(name), `${name} in ${names}`);
});
