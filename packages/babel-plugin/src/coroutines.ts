// Generators, async functions and modules with top-level await run as several slices per
// instance. The rewrites here mark every suspension and resumption with identity hooks, so no
// promise, tick or function boundary is added (../shared/docs/semantics.md):
//
//   await x          ->  R.resumeAwait(co, await R.suspendAwait(co, x))
//   yield x          ->  R.resumeNext(co, yield R.suspendYield(co, x))      (also yield*)
//   for await (a of b) body
//                    ->  try {
//                          for await (a of R.suspendAwait(co, b)) {
//                            R.resumeAwait(co, void 0);
//                            try { body } catch (e) { R.caught(co); throw e; }
//                            finally { R.enteredFinally(co); R.suspendAwait(co, void 0) }
//                          }
//                        } catch (e) { R.caught(co); throw e; } finally { R.enteredFinally(co) }
//                    Every way out of the body (next iteration, break, continue, a labelled jump
//                    past the loop, return, throw, and gen.return()/gen.throw() at a `yield` in it)
//                    suspends: the loop head awaits next() or the iterator's return() is awaited.
//                    Every way out of the loop resumes, in the outer finally (or, when the loop
//                    head's await rejects, in the outer catch).
//   return x         ->  return R.suspendAwait(co, x)      (async generators: `return` awaits x)
//   catch (e) { … }  ->  catch (e) { R.caught(co); … }     resumed by throw() or a rejected await
//   finally { … }    ->  finally { R.enteredFinally(co); … }   resumed by return()
//   try { … } finally { … } gets `catch (e) { R.caught(co); throw e; }` so that a throw() resumption
//   is told from a return() one.
//
// where `co` is the instance number the body's first hook, begin(), returned.
import type { NodePath, types as t } from '@babel/core';
import type { Types } from './header';

export const INSTANCE = '__panopticon_co';
export const CAUGHT = '__panopticon_error';

export type HookCall = (method: string, args: t.Expression[]) => t.CallExpression;

export class CoroutineRewriter {
  /** The instance variable of each instrumented coroutine (function or program node). */
  private readonly instanceOf = new WeakMap<t.Node, string>();
  private readonly done = new WeakSet<t.Node>();

  constructor(private readonly t: Types, private readonly hook: HookCall) {}

  /** Body of a coroutine: begin, then the rest in try/catch/finally that ends the instance. */
  wrapBody(owner: t.Node, begin: t.Expression, rest: t.Statement[], instance = INSTANCE, onThrow: ((error: string) => t.Statement) | null = null): t.Statement[] {
    const { t } = this;
    this.instanceOf.set(owner, instance);
    const co = t.identifier(instance);
    // onThrow (argument values, values.ts) runs once the instance is resumed: caught() first.
    const noted = onThrow ? [this.statement('caught', [this.clone(co)]), onThrow(CAUGHT)] : [];
    return [
      t.variableDeclaration('const', [t.variableDeclarator(t.identifier(instance), begin)]),
      t.tryStatement(
        t.blockStatement(rest),
        t.catchClause(t.identifier(CAUGHT), t.blockStatement([...noted, this.statement('fail', [co]), t.throwStatement(t.identifier(CAUGHT))])),
        t.blockStatement([this.statement('end', [t.identifier(instance)])]),
      ),
    ];
  }

  /** Registers a program with top-level await as a coroutine whose instance is `instance`. */
  adoptProgram(program: t.Program, instance: string): void {
    this.instanceOf.set(program, instance);
  }

  rewriteAwait(path: NodePath<t.AwaitExpression>): void {
    const co = this.owner(path);
    if (co === null || this.done.has(path.node)) return;
    const awaited = this.t.awaitExpression(this.hook('suspendAwait', [co, path.node.argument]));
    this.done.add(awaited);
    path.replaceWith(this.hook('resumeAwait', [co, awaited]));
  }

  rewriteYield(path: NodePath<t.YieldExpression>): void {
    const co = this.owner(path);
    if (co === null || this.done.has(path.node)) return;
    const { t } = this;
    const nothing = t.unaryExpression('void', t.numericLiteral(0));
    if (path.node.delegate) {
      // `(S(co), yield* x)`: x stays the operand, so V8's "x is not iterable" still names it.
      const delegated = t.yieldExpression(path.node.argument, true);
      this.done.add(delegated);
      path.replaceWith(this.hook('resumeNext', [co, t.sequenceExpression([this.hook('suspendYield', [this.clone(co), nothing]), delegated])]));
      return;
    }
    const yielded = t.yieldExpression(this.hook('suspendYield', [co, path.node.argument ?? nothing]));
    this.done.add(yielded);
    path.replaceWith(this.hook('resumeNext', [co, yielded]));
  }

  rewriteForAwait(path: NodePath<t.ForOfStatement>): void {
    const co = this.owner(path);
    if (co === null || !path.node.await || this.done.has(path.node)) return;
    const { t } = this;
    this.done.add(path.node);
    const nothing = (): t.Expression => t.unaryExpression('void', t.numericLiteral(0));
    const body = path.node.body.type === 'BlockStatement' ? path.node.body.body : [path.node.body];
    path.node.body = t.blockStatement([
      this.statement('resumeAwait', [co, nothing()]),
      t.tryStatement(
        t.blockStatement(body),
        this.caughtAndRethrown(co),
        t.blockStatement([this.statement('enteredFinally', [this.clone(co)]), this.statement('suspendAwait', [this.clone(co), nothing()])]),
      ),
    ]);
    // Around the labels too: a `break label` or `continue label` past the loop leaves it as well.
    let loop: NodePath = path;
    while (loop.parentPath?.isLabeledStatement()) loop = loop.parentPath;
    // The suspension is marked before the loop, not around its iterable: V8 names the iterable's
    // source text in "x is not async iterable", and a hook there would show in that message.
    loop.replaceWith(
      t.tryStatement(
        t.blockStatement([this.statement('suspendAwait', [this.clone(co), nothing()]), loop.node as t.Statement]),
        this.caughtAndRethrown(co),
        // Not resumeAwait: the loop can also be left synchronously (a head that throws at once).
        t.blockStatement([this.statement('enteredFinally', [this.clone(co)])]),
      ),
    );
  }

  /** `catch (e) { R.caught(co); throw e; }`: a resumption by an exception is told apart. */
  private caughtAndRethrown(co: t.Identifier): t.CatchClause {
    const { t } = this;
    return t.catchClause(t.identifier(CAUGHT), t.blockStatement([this.statement('caught', [this.clone(co)]), t.throwStatement(t.identifier(CAUGHT))]));
  }

  /** `return x` in an async generator awaits x before the generator completes. */
  rewriteReturn(path: NodePath<t.ReturnStatement>): void {
    const fn = path.getFunctionParent();
    if (!fn || !fn.node.async || !fn.node.generator || !path.node.argument) return;
    const co = this.owner(path);
    if (co === null || this.done.has(path.node)) return;
    this.done.add(path.node);
    path.node.argument = this.hook('suspendAwait', [co, path.node.argument]);
  }

  markTry(path: NodePath<t.TryStatement>): void {
    const co = this.owner(path);
    if (co === null || !path.node.loc || this.done.has(path.node)) return;
    const { t } = this;
    this.done.add(path.node);
    const { handler, finalizer } = path.node;
    if (handler) {
      handler.body.body.unshift(this.statement('caught', [co]));
    } else {
      path.node.handler = this.caughtAndRethrown(co);
    }
    if (finalizer) finalizer.body.unshift(this.statement('enteredFinally', [this.clone(co)]));
  }

  /** The instance variable of the coroutine `path` belongs to, or null if it is not traced. */
  private owner(path: NodePath): t.Identifier | null {
    const fn = enclosingFunction(path);
    const node = fn ? fn.node : (path.findParent((p) => p.isProgram())?.node ?? null);
    const name = node ? this.instanceOf.get(node) : undefined;
    return name ? this.t.identifier(name) : null;
  }

  private statement(method: string, args: t.Expression[]): t.ExpressionStatement {
    return this.t.expressionStatement(this.hook(method, args));
  }

  private clone(id: t.Identifier): t.Identifier {
    return this.t.identifier(id.name);
  }
}

/**
 * The function an `await` or `yield` belongs to: the nearest one whose parameters or body hold it.
 * Not Babel's getFunctionParent(): a method's computed key (`async [await k]() {}`) and its
 * decorators are evaluated by the enclosing code. Null at the top level.
 */
export function enclosingFunction(path: NodePath): NodePath<t.Function> | null {
  let child: NodePath = path;
  for (let p = path.parentPath; p; child = p, p = p.parentPath) {
    if (p.isFunction() && (child.key === 'body' || child.listKey === 'params')) return p;
  }
  return null;
}

/** Whether a module's top level awaits (then it runs as a coroutine too). */
export function hasTopLevelAwait(program: NodePath<t.Program>): boolean {
  if (program.node.sourceType !== 'module') return false;
  let found = false;
  const atTopLevel = (p: NodePath): void => {
    if (enclosingFunction(p) !== null) return;
    found = true;
    p.stop();
  };
  program.traverse({
    Function(p) {
      // Bodies and parameters cannot hold a top-level await; keys and decorators can.
      p.skipKey('body');
      p.skipKey('params');
    },
    AwaitExpression: atTopLevel,
    ForOfStatement(p) {
      if (p.node.await) atTopLevel(p);
    },
  });
  return found;
}
