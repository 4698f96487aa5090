// Babel configuration for the repository itself. Panopticon's own sources are compiled with tsc;
// this file exists so that tools which look for a root Babel config (Jest's babel-jest) find one
// that does nothing surprising. The instrumenter is added by the tools that need it.
module.exports = {};
