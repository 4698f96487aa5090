// Loaded with `node -r` into the traced process by the `panopticon` command, before the program:
// starts this thread's recorder (writing the trace on every exit path), turns on source maps so
// stack traces show original lines, and installs the CommonJS and ES module loader hooks.
//
// A `-r` preload that calls module.register() keeps node's first-tick order for a CommonJS
// entry, which an `--import` preload would not (../shared/docs/node-runtime.md).
import Module from 'node:module';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { traceToFile } from '@panopticon/runtime';
import { OPTIONS_ENV, readOptions } from './options';
import { fileFilter } from './filter';
import { installCommonJsHooks } from './cjs-hooks';

const options = readOptions();
if (options) {
  delete process.env[OPTIONS_ENV];
  traceToFile({
    output: options.output,
    processName: options.processName,
    wakeups: options.wakeups,
    onWritten: (events) => writeFileSync(options.statusFile, String(events)),
  });
  process.setSourceMapsEnabled(true);
  installCommonJsHooks(fileFilter(options), options.cwd);
  Module.register(pathToFileURL(join(__dirname, 'esm-hooks.js')).href, { data: options });
}
