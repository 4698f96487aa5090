// Shared by the plugin's tests: instrument a snippet with real @babel/core and the built plugin
// (dist/), and read back the function table its header hands to `register(...)`.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import vm from 'node:vm';
import { ROOT } from '../../../test/support/helpers.mjs';

const require = createRequire(import.meta.url);
export const babel = require('@babel/core');
export const plugin = require(join(ROOT, 'packages', 'babel-plugin', 'dist', 'index.js')).default;
export const REGISTRY = Symbol.for('panopticon.runtime');

/** Babel options for one snippet: no config files, the plugin (first) and any extra plugins. */
export function options({ filename = join(ROOT, 'snippet.js'), cwd = ROOT, sourceType = 'script', plugins = [], presets = [], pluginOptions } = {}) {
  return {
    filename,
    cwd,
    babelrc: false,
    configFile: false,
    sourceType,
    plugins: [pluginOptions ? [plugin, pluginOptions] : plugin, ...plugins],
    presets,
  };
}

export function instrument(code, opts = {}) {
  return babel.transformSync(code, options(opts)).code;
}

/** The table as [{name, line, col}], read by evaluating the instrumented script in a vm context. */
export function tableOf(code, opts = {}) {
  const out = instrument(code, opts);
  const calls = [];
  const context = vm.createContext({
    registry: {
      register(file, table) {
        calls.push({ file, table });
        return 0;
      },
      enter: () => 0,
      exit: () => {},
    },
  });
  vm.runInContext("Object.defineProperty(globalThis, Symbol.for('panopticon.runtime'), { value: registry })", context);
  try {
    vm.runInContext(out, context);
  } catch {
    // the snippet's own code may throw (free names); the header registered before it ran
  }
  if (calls.length !== 1) throw new Error(`register was called ${calls.length} times:\n${out}`);
  return { file: calls[0].file, entries: entries(calls[0].table), code: out };
}

/**
 * The table of module code (which a vm Script cannot run), read from the `register(...)` call of
 * the instrumented output's header.
 */
export function moduleTableOf(code, opts = {}) {
  const out = instrument(code, { sourceType: 'module', ...opts });
  let found = null;
  babel.traverse(babel.parseSync(out, { sourceType: 'module', configFile: false, babelrc: false }), {
    CallExpression(path) {
      const callee = path.node.callee;
      if (callee.type === 'MemberExpression' && callee.property.name === 'register') {
        found = { file: path.node.arguments[0].value, table: JSON.parse(path.get('arguments.1').toString()) };
      }
    },
  });
  if (!found) throw new Error(`no register call in:\n${out}`);
  return { file: found.file, entries: entries(found.table), code: out };
}

function entries(table) {
  const result = [];
  for (let i = 0; i < table.length; i += 3) result.push({ name: table[i], line: table[i + 1], col: table[i + 2] });
  return result;
}

/** Names only, without the module entry. */
export function namesOf(code, opts) {
  return tableOf(code, opts).entries.slice(1).map((e) => e.name);
}
