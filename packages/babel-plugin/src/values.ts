// Argument and return values (plugin option `args`): for the chosen functions, the emitted code
// hands the parameter bindings to the recorder at the top of the body, and every `return x`
// becomes `return R.returned(frame, x)`, an identity hook (x is evaluated once, where it was).
// Parameters are read as bindings, after the defaults ran: never `arguments`, never the parameter
// list itself (../shared/docs/semantics.md). An exception that leaves a generator or async function
// is noted in the `catch` its body already has (coroutines.ts); a plain function gets no `catch`:
// rethrowing moves where node says an uncaught exception was thrown. A `return` inside a `with`
// block is left alone (the hook's names would be looked up on the `with` object first).
//
//   function f(a, { b }, ...c) {
//     const R = rt(), frame = R.recording ? R.enter(id) : 0;
//     try {
//       if (frame !== 0) R.args(frame, "a,b,c", a, b, c);
//       ...
//       return R.returned(frame, x);
//     } finally { ... }
//   }
import picomatch from 'picomatch';
import type { NodePath, types as t } from '@babel/core';
import type { Types } from './header';

/** `args: true`, or filters: which functions (display-name globs) in which files (globs). */
export type ArgsOption = boolean | { functions?: string[]; files?: string[] };

/** Whether a function's values are recorded; null when the option is off. */
export function argsFilter(option: ArgsOption | undefined): ((file: string, name: string) => boolean) | null {
  if (option === undefined || option === false) return null;
  if (option === true) return () => true;
  const fn = option.functions && option.functions.length > 0 ? picomatch(option.functions, { dot: true }) : null;
  const file = option.files && option.files.length > 0 ? picomatch(option.files, { dot: true }) : null;
  return (f, n) => (!file || file(f)) && (!fn || fn(n));
}

/** The emitted pieces, given how the function reaches its recorder and its frame (or instance). */
export class ValueHooks {
  constructor(private readonly t: Types, private readonly recorder: () => t.Expression, private readonly frame: string) {}

  /** `if (frame !== 0) R.args(frame, "names", ...bindings);`, or nothing without parameters. */
  entry(fn: t.Function): t.Statement[] {
    const { t } = this;
    const names = parameterNames(t, fn);
    if (names.length === 0) return [];
    const call = this.call('args', [t.stringLiteral(names.join(',')), ...names.map((n) => t.identifier(n))]);
    return [t.ifStatement(this.recorded(), t.expressionStatement(call))];
  }

  /** Every `return x` of the function itself (not of nested ones) through the identity hook. */
  wrapReturns(fn: NodePath<t.Function>): void {
    const self = this;
    fn.get('body').traverse({
      Function(p) {
        p.skip();
      },
      WithStatement(p) {
        p.skip();
      },
      ReturnStatement(p) {
        if (p.node.argument) p.node.argument = self.call('returned', [p.node.argument]);
      },
    });
  }

  /** For the top of a coroutine's catch (CoroutineRewriter.wrapBody), after it resumed: `error` is its parameter. */
  threw(error: string): t.Statement {
    return this.t.ifStatement(this.recorded(), this.t.expressionStatement(this.call('threw', [this.t.identifier(error)])));
  }

  private recorded(): t.Expression {
    return this.t.binaryExpression('!==', this.t.identifier(this.frame), this.t.numericLiteral(0));
  }

  private call(method: string, args: t.Expression[]): t.CallExpression {
    const { t } = this;
    return t.callExpression(t.memberExpression(this.recorder(), t.identifier(method)), [t.identifier(this.frame), ...args]);
  }
}

/** The names a function's parameters bind, in source order (a TypeScript `this` parameter binds none). */
export function parameterNames(t: Types, fn: t.Function): string[] {
  const names: string[] = [];
  const visit = (node: t.Node | null | undefined): void => {
    if (!node) return;
    switch (node.type) {
      case 'Identifier':
        if (node.name !== 'this' && !names.includes(node.name)) names.push(node.name);
        return;
      case 'AssignmentPattern': return visit(node.left);
      case 'RestElement': return visit(node.argument);
      case 'ArrayPattern': return node.elements.forEach(visit);
      case 'ObjectPattern': return node.properties.forEach((p) => visit(p.type === 'ObjectProperty' ? p.value : p));
      case 'TSParameterProperty': return visit(node.parameter);
      default: // a pattern that binds nothing by name (a member expression cannot be a parameter)
    }
  };
  fn.params.forEach(visit);
  return names;
}
