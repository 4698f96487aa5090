// The instrumenter: rewrites every function body in place so it reports enter and exit.
//
//   function f(p) {
//     <function declarations that may stay at body level>
//     const __panopticon_frame = __panopticon_rt_H().enter(__panopticon_base_H + 3);
//     try { <rest of the body> } finally { __panopticon_rt_H().exit(__panopticon_frame); }
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
import { hoistableDeclarations } from './hoisting';
import { FRAME, NAME_PREFIX, headerNames, headerSource, shortHash, type HeaderNames, type Types } from './header';

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
  hasTopLevelAwait = false;
  private readonly t: Types;

  constructor(private readonly babel: Babel, readonly file: string, code: string) {
    this.t = babel.types;
    this.names = headerNames(shortHash(file));
    this.namer = new Namer(code);
    this.addEntry(file, 1, 1);
  }

  instrumentFunction(path: NodePath<t.Function>): void {
    const node = path.node;
    if (this.skipFunction(path)) return;
    // Generators and async functions run as several slices: their own instrumentation comes
    // with the coroutine support; until then they are left exactly as written.
    if (node.generator || node.async) return;
    const index = this.addEntry(this.namer.functionName(path), node.loc!.start.line, node.loc!.start.column + 1);
    if (node.body.type !== 'BlockStatement') {
      node.body = this.t.blockStatement([this.t.returnStatement(node.body)]);
    }
    const body = path.get('body') as NodePath<t.BlockStatement>;
    body.node.body = this.wrapStatements(body, path.scope, index);
  }

  instrumentStaticBlock(path: NodePath<t.StaticBlock>): void {
    if (this.skipFunction(path)) return;
    const index = this.addEntry(this.namer.functionName(path), path.node.loc!.start.line, path.node.loc!.start.column + 1);
    path.node.body = this.wrapStatements(path, path.scope, index);
  }

  noteAwait(path: NodePath): void {
    if (!path.getFunctionParent()) this.hasTopLevelAwait = true;
  }

  /** Module slice: enter after the header, exit as the last statement. */
  instrumentModuleBody(program: NodePath<t.Program>): void {
    // A module with top-level await suspends; until coroutine support, it gets no slice.
    if (this.hasTopLevelAwait) return;
    const { t } = this;
    const frame = this.names.moduleFrame;
    program.node.body.unshift(t.variableDeclaration('var', [t.variableDeclarator(t.identifier(frame), this.enterCall(0))]));
    program.node.body.push(t.expressionStatement(this.exitCall(frame)));
  }

  insertHeader(program: NodePath<t.Program>): void {
    const header = this.babel.template.statements.ast(headerSource(this.names, this.file, this.table));
    program.node.body.unshift(...header);
  }

  private wrapStatements(body: NodePath<t.BlockStatement> | NodePath<t.StaticBlock>, scope: NodePath['scope'], index: number): t.Statement[] {
    const { t } = this;
    const hoisted = hoistableDeclarations(body, scope, t);
    const statements = body.node.body;
    const before = statements.filter((s) => hoisted.has(s));
    const rest = statements.filter((s) => !hoisted.has(s));
    return [
      ...before,
      t.variableDeclaration('const', [t.variableDeclarator(t.identifier(FRAME), this.enterCall(index))]),
      t.tryStatement(t.blockStatement(rest), null, t.blockStatement([t.expressionStatement(this.exitCall(FRAME))])),
    ];
  }

  private enterCall(index: number): t.CallExpression {
    const { t } = this;
    const id = t.binaryExpression('+', t.identifier(this.names.base), t.numericLiteral(index));
    return t.callExpression(t.memberExpression(t.callExpression(t.identifier(this.names.rt), []), t.identifier('enter')), [id]);
  }

  private exitCall(frame: string): t.CallExpression {
    const { t } = this;
    return t.callExpression(t.memberExpression(t.callExpression(t.identifier(this.names.rt), []), t.identifier('exit')), [t.identifier(frame)]);
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

export interface InstrumentOptions {
  /** Directory the file names in the trace are relative to; the Babel `cwd` by default. */
  cwd?: string;
}

/** Instruments a whole program; called on `Program` enter, before other plugins change it. */
export function instrumentProgram(babel: Babel, program: NodePath<t.Program>, state: PluginPass, options: InstrumentOptions): void {
  const file = state.file;
  if (file.ast.comments?.some((c) => IGNORE_FILE.test(c.value))) return;
  if (Object.keys(program.scope.getAllBindings()).some((name) => name.startsWith(`${NAME_PREFIX}rt_`))) return; // already done
  const filename = file.opts.filename;
  const cwd = options.cwd ?? file.opts.cwd ?? process.cwd();
  const displayFile = filename ? relative(cwd, filename).split(sep).join('/') : '(unknown)';

  const module = new ModuleInstrumenter(babel, displayFile, file.code);
  program.traverse(visitor, module);
  module.instrumentModuleBody(program);
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
    this.noteAwait(path);
  },
  ForOfStatement(path) {
    if (path.node.await) this.noteAwait(path);
  },
};
