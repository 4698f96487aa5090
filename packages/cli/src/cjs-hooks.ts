// CommonJS side of the loader: every module node compiles goes through Module.prototype._compile,
// so wrapping it instruments CommonJS files, and ES modules reached by require() (node 20.19+
// passes them through _compile with format 'module'). TypeScript extensions get handlers that
// read the file and compile it the same way.
import Module from 'node:module';
import { readFileSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FileFilter } from './filter';
import { babelBusy, transformFile, TS_EXTENSIONS, type ModuleFormat } from './transform';
import { typeScriptFormat } from './module-format';

interface InternalModule {
  id: string;
  exports: unknown;
  _compile(content: string, filename: string, format?: ModuleFormat): unknown;
}
type Internals = typeof Module & {
  prototype: InternalModule;
  _extensions: Record<string, (module: InternalModule, filename: string) => void>;
};

export function installCommonJsHooks(instrumentable: FileFilter, cwd: string): void {
  const M = Module as Internals;
  const compile = M.prototype._compile;
  // Stack traces name node's own frame `Module._compile` by finding the function under that name
  // on the module: once the wrapper is there, only the function's own name can (node 24 leaves
  // it empty; node 20 infers it). Untraced and traced stacks then read the same.
  if (compile.name === '') {
    try {
      Object.defineProperty(compile, 'name', { value: '_compile' });
    } catch {
      // a frozen loader: the frame reads `Module.<anonymous>`, nothing else changes
    }
  }
  M.prototype._compile = function _compile(this: InternalModule, content: string, filename: string, ...rest: [ModuleFormat?]) {
    // Modules compiled while Babel runs are Babel's own, required lazily: left as they are, since
    // transforming them would re-enter Babel half loaded (see babelBusy). Names that are not
    // paths are node's own code (`node -e` compiles its `[eval]-wrapper` through here).
    const transform = typeof content === 'string' && isAbsolute(filename) && !babelBusy();
    const code = transform ? transformFile(content, filename, rest[0], instrumentable(filename), cwd) : null;
    return compile.call(this, code ?? content, filename, ...rest);
  };

  for (const ext of TS_EXTENSIONS) {
    M._extensions[ext] = function loadTypeScript(module: InternalModule, filename: string): void {
      const source = readFileSync(filename, 'utf8');
      const format = typeScriptFormat(filename, source);
      if (format === 'module' && module.id === '.') {
        // An ES-module entry point runs through the ES loader, as node runs a .mjs entry: through
        // require(esm) it could not use top-level await.
        import(pathToFileURL(filename).href).catch((error: unknown) => {
          process.nextTick(() => {
            throw error;
          });
        });
        return;
      }
      module._compile(source, filename, format);
    };
  }
}
