// Babel's preset and plugin packages ship no types; they are passed to Babel as they are.
declare module '@babel/preset-typescript' {
  const preset: import('@babel/core').PluginItem;
  export default preset;
}
declare module '@babel/plugin-transform-react-jsx' {
  const plugin: import('@babel/core').PluginItem;
  export default plugin;
}
