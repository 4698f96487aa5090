// Importing a module: greeting.ts is evaluated inside this module's slice, where require() runs.
// (A static `import` would be evaluated before this module's body starts, as ES modules are.)
console.log('main: before the import');
const { greet } = require('./greeting') as typeof import('./greeting');
console.log(greet('world'));
