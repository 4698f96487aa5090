// Builds dist/global.js, the classic-script form of the runtime: the CommonJS modules tsc wrote,
// wrapped in one function with a tiny module table, so that evaluating the file in any realm
// (a `vm` context, a browser page) installs the recorder there. No bundler needed for ten files.
//
// The entry is src/global-entry.ts, not src/global.ts: tsc -b re-emits only what changed, so a
// dist/global.js that were both tsc's output and this script's would be read back here as the
// entry on the next build and wrapped again, running the first build's code ever after.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
// The entry and every module it requires by a relative path, found by following require("./x").
// (`node:` requires stay calls that fail in a bare realm; the modules that make them guard them.)
const modules = [];
const pending = ['global-entry'];
while (pending.length > 0) {
  const name = pending.shift();
  if (modules.includes(name)) continue;
  modules.push(name);
  const code = readFileSync(join(dist, `${name}.js`), 'utf8');
  for (const [, dep] of code.matchAll(/require\("\.\/([\w-]+)"\)/g)) pending.push(dep);
}

let body = '';
for (const name of modules) {
  const code = readFileSync(join(dist, `${name}.js`), 'utf8').replace(/^\/\/# sourceMappingURL=.*$/m, '');
  body += `defs[${JSON.stringify(name)}] = function (exports, require, module) {\n${code}\n};\n`;
}

const out = `/* @panopticon/runtime/global: installs Panopticon's recorder in this realm. Generated. */
(function () {
  'use strict';
  var defs = {}, cache = {};
  function load(id) {
    var name = id.replace(/^\\.\\//, '');
    if (!Object.prototype.hasOwnProperty.call(defs, name)) throw new Error('not bundled: ' + id);
    if (cache[name]) return cache[name].exports;
    var module = (cache[name] = { exports: {} });
    defs[name].call(module.exports, module.exports, load, module);
    return module.exports;
  }
${body}
  load('global-entry');
})();
`;
writeFileSync(join(dist, 'global.js'), out);
