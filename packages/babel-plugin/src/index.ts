// @panopticon/babel-plugin: asserts the Babel version and hands each program to the instrumenter.
import type { PluginObj, PluginPass, NodePath, types as t } from '@babel/core';
import { instrumentProgram, type Babel } from './instrumenter';
import type { InstrumentOptions } from './options';

export type { InstrumentOptions } from './options';

interface PluginAPI extends Babel {
  assertVersion(range: number | string): void;
}

export default function panopticonBabelPlugin(api: PluginAPI, options: InstrumentOptions = {}): PluginObj<PluginPass> {
  api.assertVersion('^7.0.0 || ^8.0.0');
  return {
    name: 'panopticon',
    visitor: {
      Program: {
        enter(path: NodePath<t.Program>, state: PluginPass) {
          instrumentProgram(api, path, state, options);
        },
      },
    },
  };
}
