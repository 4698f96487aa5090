// Keeps coverage counts as they are without the instrumenter.
//
// istanbul (which babel-jest appends when Jest collects coverage) counts the expression body of an
// arrow function, `(x) => f(x)`, as a statement. The instrumenter turns that body into a block,
// `{ ... try { return f(x); } finally { ... } }`, whose `return` it makes without a source
// location, and istanbul leaves nodes without one alone: the statement would go missing from the
// report, and the function's extent (istanbul takes it from the body) would be empty. Runs after
// the instrumenter and before istanbul, and gives such a `return` and block the expression's
// location, so istanbul counts and places them where it did the expression.
// (The instrumenter could keep the location itself; this plugin is then a no-op.)
import type { NodePath, PluginObj, types as t } from '@babel/core';

export default function coverageLocations(): PluginObj {
  return {
    name: 'panopticon-coverage-locations',
    visitor: {
      Program: {
        enter(program: NodePath<t.Program>) {
          program.traverse({
            ReturnStatement(path) {
              const { node } = path;
              if (node.loc || !node.argument?.loc) return;
              const fn = path.getFunctionParent();
              if (fn === null || fn.node.type !== 'ArrowFunctionExpression' || fn.node.body.loc) return;
              node.loc = node.argument.loc;
              fn.node.body.loc = node.argument.loc;
            },
          });
        },
      },
    },
  };
}

// panopticon-ignore-file: the tracer's own code is not traced (under `panopticon -- jest` it would
// be, when not installed under node_modules, and its frames would close the spans it opens).
