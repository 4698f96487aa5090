// Importing a module: greeting.js is evaluated inside this module's slice, where require() runs.
console.log('main: before the import');
const { greet } = require('./greeting');
console.log(greet('world'));
