// Which body-level function declarations may stay outside the injected `try`.
//
// A declaration moved into the `try` block becomes block-scoped, and sloppy code can see the
// difference (`function f(x) { function x() {} }` no longer overwrites the parameter, nor its
// mapped `arguments` slot). So declarations stay at body level, outside the `try`, unless they
// use a `let`/`const`/`class` of the body (which lives inside the `try` and would be out of their
// reach), or use another declaration that has to stay inside for that reason.
import type { NodePath, types as t } from '@babel/core';

type Scope = NodePath['scope'];

type Body = NodePath<t.BlockStatement> | NodePath<t.StaticBlock>;

/** The function declarations of `body` that can be hoisted above the `try`. */
export function hoistableDeclarations(body: Body, scope: Scope, types: { getBindingIdentifiers: typeof t.getBindingIdentifiers }): Set<t.Node> {
  const statements = body.get('body') as NodePath<t.Statement>[];
  const declarations = statements.filter((s): s is NodePath<t.FunctionDeclaration> => s.isFunctionDeclaration());
  if (declarations.length === 0) return new Set();

  const insideTry = new Set<string>();
  for (const s of statements) {
    const node = s.node;
    if (node.type === 'VariableDeclaration' && node.kind !== 'var') {
      for (const d of node.declarations) for (const name of Object.keys(types.getBindingIdentifiers(d.id))) insideTry.add(name);
    } else if ((node.type === 'ClassDeclaration' || node.type === 'TSEnumDeclaration' || node.type === 'TSModuleDeclaration') && node.id?.type === 'Identifier') {
      insideTry.add(node.id.name);
    }
  }

  const kept = new Set<t.Node>();
  for (let changed = insideTry.size > 0; changed; ) {
    changed = false;
    for (const d of declarations) {
      if (kept.has(d.node) || !usesAny(d, insideTry, scope)) continue;
      kept.add(d.node);
      if (d.node.id) insideTry.add(d.node.id.name);
      changed = true;
    }
  }
  return new Set(declarations.filter((d) => !kept.has(d.node)).map((d) => d.node));
}

/** Whether `fn` reads or writes one of `names` as bound in `scope` (or unresolved: be safe). */
function usesAny(fn: NodePath, names: Set<string>, scope: Scope): boolean {
  let found = false;
  fn.traverse({
    Identifier(p) {
      const name = p.node.name;
      if (!names.has(name)) return;
      const parent = p.parentPath;
      const written = (parent.isAssignmentExpression() && parent.node.left === p.node) || parent.isUpdateExpression();
      if (!written && !p.isReferencedIdentifier()) return;
      const binding = p.scope.getBinding(name);
      if (binding === undefined || binding.scope === scope) {
        found = true;
        p.stop();
      }
    },
  });
  return found;
}

/**
 * Parameters that a body-level declaration kept inside the `try` would have overwritten.
 *
 * `function f(x) { function x() { return c } const c = 1 }`: at body level, `function x` replaces
 * the parameter `x` on entry (and, in sloppy mode, the mapped `arguments[0]`); inside the `try` it
 * is a block-scoped function that leaves the parameter alone. The instrumenter copies the block's
 * function into the parameter before any user code runs, so both hold the same object again.
 */
export function shadowedParameters(params: t.Node[], kept: t.FunctionDeclaration[], types: { getBindingIdentifiers: typeof t.getBindingIdentifiers }): string[] {
  const names = new Set<string>();
  for (const p of params) for (const name of Object.keys(types.getBindingIdentifiers(p))) names.add(name);
  return [...new Set(kept.map((d) => d.id?.name).filter((n): n is string => n !== undefined && names.has(n)))];
}
