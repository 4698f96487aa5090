// The instrumenter: rewrites every function body in place so it reports enter and exit.
//
//   function f(p) {
//     <function declarations that may stay at body level>
//     const __panopticon_rec = __panopticon_rt_H(),
//       __panopticon_frame = __panopticon_rec.recording ? __panopticon_rec.enter(__panopticon_base_H + 3) : 0;
//     try { <rest of the body> } finally { if (__panopticon_frame !== 0) __panopticon_rec.exit(__panopticon_frame); }
//
// (The `recording` test and the frame test are inline so that a build that is not recording
// pays a load and a branch, not two calls.)
//   }
//
// No function boundary is added and no parameter is touched, so `this`, `arguments`,
// `new.target`, `super`, `.name` and `.length` are the original's (../shared/docs/semantics.md).
// A module's top-level code is a slice too; it cannot sit in a `try` (imports, exports and
// top-level bindings must stay where they are), so it gets a plain enter and exit, and the
// recorder closes it if an exception skips the exit.
import { relative, sep } from 'node:path';
import type { NodePath, PluginPass, Visitor, types as t } from '@babel/core';
import { Namer } from './names';
import { hoistableDeclarations, shadowedParameters } from './hoisting';
import { CoroutineRewriter, hasTopLevelAwait } from './coroutines';
import { compileFilters, type Filters, type InstrumentOptions } from './options';
import { argsFilter, ValueHooks } from './values';
import { INSTANCE } from './coroutines';
import { AUTO_RUNTIME, FRAME, RECORDER, NAME_PREFIX, headerNames, headerSource, shortHash, type HeaderNames, type Types } from './header';

export interface Babel {
  types: Types;
  template: { statements: { ast(code: string): t.Statement[] } };
}

const IGNORE_FUNCTION = /(^|[^\w-])panopticon-ignore(?![\w-])/;
const IGNORE_FILE = /panopticon-ignore-file/;
/** Parents through which a leading `panopticon-ignore` comment still applies to the function. */
const COMMENT_CARRIERS = new Set([
  'VariableDeclarator', 'VariableDeclaration', 'ExportNamedDeclaration', 'ExportDefaultDeclaration',
  'ObjectProperty', 'ClassProperty', 'ClassPrivateProperty', 'AssignmentExpression', 'ExpressionStatement',
]);

class ModuleInstrumenter {
  /** Flat function table: name, line, column per entry; entry 0 is the module itself. */
  readonly table: Array<string | number> = [];
  readonly names: HeaderNames;
  readonly namer: Namer;
  readonly coroutines: CoroutineRewriter;
  private readonly t: Types;

  constructor(private readonly babel: Babel, readonly file: string, code: string, private readonly filters: Filters, private readonly autoRuntime: boolean, private readonly valuesOf: ((file: string, name: string) => boolean) | null = null) {
    this.t = babel.types;
    // The source is in the hash too: two different scripts of one name in one realm (a script
    // evaluated again after an edit) must not share the globals that hold the registration.
    this.names = headerNames(shortHash(`${file}\n${code}`));
    this.namer = new Namer(code);
    this.coroutines = new CoroutineRewriter(this.t, (method, args) => this.hookCall(method, args));
    this.addEntry(file, 1, 1);
  }

  instrumentFunction(path: NodePath<t.Function>): void {
    const node = path.node;
    if (this.skipFunction(path)) return;
    const name = this.namer.functionName(path);
    if (!this.filters.fn(name)) return; // its nested functions are judged on their own names
    const index = this.addEntry(name, node.loc!.start.line, node.loc!.start.column + 1);
    if (node.body.type !== 'BlockStatement') {
      // The new block and return take the expression's location: coverage tools that run after
      // us (istanbul under jest --coverage) count statements and function extents by location.
      const { loc, start, end } = node.body;
      node.body = Object.assign(this.t.blockStatement([Object.assign(this.t.returnStatement(node.body), { loc, start, end })]), { loc, start, end });
    }
    const body = path.get('body') as NodePath<t.BlockStatement>;
    const coroutine = node.generator || node.async ? node : null;
    const values = this.valuesOf !== null && this.valuesOf(this.file, name) ? this.valueHooks(coroutine !== null) : null;
    if (values) values.wrapReturns(path);
    body.node.body = this.wrapStatements(body, path.scope, index, coroutine, values && { hooks: values, entry: values.entry(node) });
  }

  instrumentStaticBlock(path: NodePath<t.StaticBlock>): void {
    if (this.skipFunction(path)) return;
    const name = this.namer.functionName(path);
    if (!this.filters.fn(name)) return;
    const index = this.addEntry(name, path.node.loc!.start.line, path.node.loc!.start.column + 1);
    path.node.body = this.wrapStatements(path, path.scope, index);
  }

  /**
   * Module slice: enter after the header, exit as the last statement. A module with top-level
   * await is a coroutine: begin and end, its awaits marked like a function's. Called before the
   * traversal, which rewrites those awaits.
   */
  instrumentModuleBody(program: NodePath<t.Program>): void {
    const { t } = this;
    const instance = this.names.moduleFrame;
    const coroutine = hasTopLevelAwait(program);
    const begin = coroutine ? this.hookCall('begin', [this.functionId(0)]) : this.enterCall(0);
    const end = coroutine ? this.hookCall('end', [t.identifier(instance)]) : this.exitCall(instance);
    if (coroutine) this.coroutines.adoptProgram(program.node, instance);
    program.node.body.unshift(t.variableDeclaration('var', [t.variableDeclarator(t.identifier(instance), begin)]));
    // A declaration, not an expression statement: a classic script's completion value (what
    // `eval`, `vm.runInContext` and `node -p` return) stays that of its last statement.
    program.node.body.push(t.variableDeclaration('var', [t.variableDeclarator(t.identifier(instance), end)]));
  }

  insertHeader(program: NodePath<t.Program>): void {
    const header = this.babel.template.statements.ast(headerSource(this.names, this.file, this.table, this.autoRuntime, this.valuesOf !== null));
    // An ES module has no require(): it imports the runtime before its body runs. Only a file with
    // module syntax of its own counts (Babel parses everything as a module by default, and an
    // import added to CommonJS code would turn it into an ES module).
    const hasModuleSyntax = program.node.body.some((s) => s.type === 'ImportDeclaration' || s.type.startsWith('Export'));
    if (this.autoRuntime && program.node.sourceType === 'module' && hasModuleSyntax) header.unshift(this.t.importDeclaration([], this.t.stringLiteral(AUTO_RUNTIME)));
    program.node.body.unshift(...header);
  }

  /** The body with hooks: `coroutine` is the generator or async function whose body it is. */
  private wrapStatements(body: NodePath<t.BlockStatement> | NodePath<t.StaticBlock>, scope: NodePath['scope'], index: number, coroutine: t.Node | null = null, values: { hooks: ValueHooks; entry: t.Statement[] } | null = null): t.Statement[] {
    const { t } = this;
    const hoisted = hoistableDeclarations(body, scope, t);
    const statements = body.node.body;
    const before = statements.filter((s) => hoisted.has(s));
    const rest = statements.filter((s) => !hoisted.has(s));
    const bridges = this.parameterBridges(body, rest);
    return [
      ...before,
      ...bridges.outside,
      ...this.guard(index, coroutine, values ? [...bridges.inside, ...values.entry, ...rest] : [...bridges.inside, ...rest], values?.hooks ?? null),
    ];
  }

  /** enter + try/finally exit around `rest`; for a coroutine, begin + try/catch/finally end. */
  private guard(index: number, coroutine: t.Node | null, rest: t.Statement[], values: ValueHooks | null = null): t.Statement[] {
    const { t } = this;
    if (coroutine) {
      // An async function's own promise is noted at its begin, for wake-up arrows.
      const begin = (coroutine as t.Function).async && !(coroutine as t.Function).generator ? 'beginAsync' : 'begin';
      return this.coroutines.wrapBody(coroutine, this.hookCall(begin, [this.functionId(index)]), rest, INSTANCE, values && ((error) => values.threw(error)));
    }
    return [
      t.variableDeclaration('const', [
        t.variableDeclarator(t.identifier(RECORDER), t.callExpression(t.identifier(this.names.rt), [])),
        t.variableDeclarator(t.identifier(FRAME), t.conditionalExpression(t.memberExpression(t.identifier(RECORDER), t.identifier('recording')), t.callExpression(t.memberExpression(t.identifier(RECORDER), t.identifier('enter')), [this.functionId(index)]), t.numericLiteral(0))),
      ]),
      t.tryStatement(
        t.blockStatement(rest),
        null,
        t.blockStatement([t.ifStatement(t.binaryExpression('!==', t.identifier(FRAME), t.numericLiteral(0)), t.expressionStatement(t.callExpression(t.memberExpression(t.identifier(RECORDER), t.identifier('exit')), [t.identifier(FRAME)])))]),
      ),
    ];
  }

  /**
   * For each parameter a declaration kept inside the `try` shadows (see shadowedParameters):
   * `var x; const __panopticon_param_x = (__panopticon_value) => { x = __panopticon_value; };` at body level (the `var` gives a
   * function with non-simple parameters the body-level binding the declaration had), and
   * `__panopticon_param_x(x);` first in the `try`, before any user code.
   */
  private parameterBridges(body: NodePath<t.BlockStatement> | NodePath<t.StaticBlock>, rest: t.Statement[]): { outside: t.Statement[]; inside: t.Statement[] } {
    const { t } = this;
    const fn = body.parentPath?.node;
    const kept = rest.filter((s): s is t.FunctionDeclaration => s.type === 'FunctionDeclaration');
    if (!fn || !t.isFunction(fn) || kept.length === 0) return { outside: [], inside: [] };
    const outside: t.Statement[] = [];
    const inside: t.Statement[] = [];
    for (const name of shadowedParameters(fn.params, kept, t)) {
      const setter = `${NAME_PREFIX}param_${name}`;
      const assign = t.assignmentExpression('=', t.identifier(name), t.identifier(`${NAME_PREFIX}value`));
      outside.push(
        t.variableDeclaration('var', [t.variableDeclarator(t.identifier(name))]),
        t.variableDeclaration('const', [t.variableDeclarator(t.identifier(setter), t.arrowFunctionExpression([t.identifier(`${NAME_PREFIX}value`)], t.blockStatement([t.expressionStatement(assign)])))]),
      );
      inside.push(t.expressionStatement(t.callExpression(t.identifier(setter), [t.identifier(name)])));
    }
    return { outside, inside };
  }

  /** Argument and return hooks: a coroutine reaches the recorder through the accessor, a plain function through its local. */
  private valueHooks(coroutine: boolean): ValueHooks {
    const { t } = this;
    return coroutine ? new ValueHooks(t, () => t.callExpression(t.identifier(this.names.rt), []), INSTANCE) : new ValueHooks(t, () => t.identifier(RECORDER), FRAME);
  }

  private enterCall(index: number): t.CallExpression {
    return this.hookCall('enter', [this.functionId(index)]);
  }

  private exitCall(frame: string): t.CallExpression {
    return this.hookCall('exit', [this.t.identifier(frame)]);
  }

  /** `__panopticon_base_H + index`: the function's id in the realm's recorder. */
  private functionId(index: number): t.Expression {
    return this.t.binaryExpression('+', this.t.identifier(this.names.base), this.t.numericLiteral(index));
  }

  /** `__panopticon_rt_H().method(args)`. */
  hookCall(method: string, args: t.Expression[]): t.CallExpression {
    const { t } = this;
    return t.callExpression(t.memberExpression(t.callExpression(t.identifier(this.names.rt), []), t.identifier(method)), args);
  }

  private addEntry(name: string, line: number, col: number): number {
    this.table.push(name, line, col);
    return this.table.length / 3 - 1;
  }

  /** Functions left alone: no source location (other plugins' helpers), opted out, inside `with`. */
  private skipFunction(path: NodePath): boolean {
    if (!path.node.loc) return true;
    if (hasIgnoreComment(path)) {
      path.skip(); // its nested functions too: an opted-out function may be serialised whole
      return true;
    }
    return path.findParent((p) => p.isWithStatement()) !== null;
  }
}

function hasIgnoreComment(path: NodePath): boolean {
  for (let p: NodePath | null = path; p; p = p.parentPath) {
    if (p.node.leadingComments?.some((c) => IGNORE_FUNCTION.test(c.value))) return true;
    if (!p.parentPath || !COMMENT_CARRIERS.has(p.parentPath.node.type)) return false;
  }
  return false;
}


/** Instruments a whole program; called on `Program` enter, before other plugins change it. */
export function instrumentProgram(babel: Babel, program: NodePath<t.Program>, state: PluginPass, options: InstrumentOptions): void {
  const file = state.file;
  if (file.ast.comments?.some((c) => IGNORE_FILE.test(c.value))) return;
  if (Object.keys(program.scope.getAllBindings()).some((name) => name.startsWith(`${NAME_PREFIX}rt_`))) return; // already done
  const filename = file.opts.filename;
  const cwd = options.cwd ?? file.opts.cwd ?? process.cwd();
  const displayFile = filename ? relative(cwd, filename).split(sep).join('/') : '(unknown)';
  const filters = compileFilters(options);
  if (!filters.file(displayFile)) return;

  const module = new ModuleInstrumenter(babel, displayFile, file.code, filters, options.runtime === 'auto', argsFilter(options.args));
  module.instrumentModuleBody(program);
  program.traverse(visitor, module);
  module.insertHeader(program);
  program.scope.crawl();
}

// One entry per node kind.
const visitor: Visitor<ModuleInstrumenter> = {
  Function(path) {
    this.instrumentFunction(path);
  },
  StaticBlock(path) {
    this.instrumentStaticBlock(path);
  },
  AwaitExpression(path) {
    this.coroutines.rewriteAwait(path);
  },
  YieldExpression(path) {
    this.coroutines.rewriteYield(path);
  },
  ForOfStatement(path) {
    this.coroutines.rewriteForAwait(path);
  },
  ReturnStatement(path) {
    this.coroutines.rewriteReturn(path);
  },
  TryStatement(path) {
    this.coroutines.markTry(path);
  },
};
