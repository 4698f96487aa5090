// The forms @traced takes, applied by hand in one process as the compilers' helpers apply them:
// TC39 (value, context), legacy (target, key, descriptor) and (constructor), and the factories.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ROOT } from '../../../test/support/helpers.mjs';

const require = createRequire(join(ROOT, 'package.json'));
const { traced, trace } = require(join(ROOT, 'packages', 'runtime', 'dist', 'index.js'));

/** Names of the slices a traced call records, from the trace's JSON text. */
function namesOf(fn) {
  const { trace: json } = trace(fn);
  return JSON.parse(json).filter((e) => e.ph === 'X').sort((a, b) => a.ts - b.ts).map((e) => e.name);
}

function tc39Method(decorator, fn, name, extra = {}) {
  return decorator(fn, { kind: 'method', name, static: false, private: false, addInitializer() {}, ...extra });
}

test('@traced, @traced(), @traced(name) and @traced({ name }) on a TC39 method', () => {
  class A {
    m(x) {
      return x + 1;
    }
  }
  const original = A.prototype.m;
  const forms = [traced, traced(), traced('renamed'), traced({ name: 'by options' })];
  const wrapped = forms.map((d) => tc39Method(d, original, 'm'));
  for (const w of wrapped) {
    assert.notEqual(w, original);
    assert.equal(w.name, 'm');
    assert.equal(w.length, 1);
  }
  const a = new A();
  const names = namesOf(() => wrapped.map((w) => w.call(a, 1)));
  assert.deepEqual(names.filter((n) => !n.startsWith('(')), ['A.m', 'A.m', 'renamed', 'by options']);
});

test('legacy (target, key, descriptor): methods, static methods and accessors keep their descriptor', () => {
  class B {
    static s() {
      return 's';
    }
    get v() {
      return 1;
    }
    set v(x) {}
  }
  const method = traced(B, 's', Object.getOwnPropertyDescriptor(B, 's'));
  assert.equal(method.enumerable, false);
  assert.equal(method.value.name, 's');
  Object.defineProperty(B, 's', method);
  const accessor = traced(B.prototype, 'v', Object.getOwnPropertyDescriptor(B.prototype, 'v'));
  Object.defineProperty(B.prototype, 'v', accessor);
  assert.equal(traced(B.prototype, 'field', undefined), undefined, 'a TypeScript property decorator: nothing to wrap');
  const b = new B();
  const names = namesOf(() => [B.s(), b.v, (b.v = 2)]);
  assert.deepEqual(names, ['B.s', 'get B.v', 'set B.v']);
});

test('a class decorated by hand: construction and members, the class still itself to the program', () => {
  class C {
    constructor(x) {
      this.x = x;
    }
    get double() {
      return this.x * 2;
    }
    static make() {
      return new D(3);
    }
  }
  const D = traced(C);
  assert.notEqual(D, C);
  assert.equal(D.name, 'C');
  const names = namesOf(() => {
    const c = D.make();
    assert.ok(c instanceof D);
    assert.equal(c.constructor, D);
    return c.double;
  });
  assert.deepEqual(names, ['C.make', 'new C', 'get C.double']);
});

test('wrong uses say so at decoration time; a wrapped function that throws passes the error on', () => {
  assert.throws(() => traced(1, 2), TypeError);
  assert.throws(() => traced({ name: 5 }), TypeError);
  const w = tc39Method(traced, function boom() {
    throw new RangeError('no');
  }, 'boom');
  assert.throws(() => w(), RangeError);
  assert.throws(() => new w(), TypeError, 'a wrapper is not a constructor, as a method is not');
});

test('code the plugin instrumented is left alone', () => {
  // What an instrumented body looks like to the decorator: the injected names in its source.
  const fn = new Function('return function m() { var __panopticon_frame = 0; return 1; }')();
  assert.equal(tc39Method(traced, fn, 'm'), fn);
});

test('a TC39 member decorator is not told its class: the first call finds it, on a subclass too', () => {
  class Base {
    m() {
      return 1;
    }
    static s() {
      return 2;
    }
  }
  class Sub extends Base {}
  Base.prototype.m = tc39Method(traced, Base.prototype.m, 'm');
  Base.s = tc39Method(traced, Base.s, 's', { static: true });
  const names = namesOf(() => [new Sub().m(), Sub.s(), new Base().m()]);
  assert.deepEqual(names, ['Base.m', 'Base.s', 'Base.m']);
});
