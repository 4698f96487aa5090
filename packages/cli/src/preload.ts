// Loaded into every traced process, and every worker thread in it, through NODE_OPTIONS
// (`--require`) by the `panopticon` command, before the program: records this thread into the
// process's shared arena (the main thread writes the process's part of the trace at exit; see
// options.ts for the session contract), turns on source maps so stack traces show original
// lines, and installs the CommonJS and ES module loader hooks.
//
// A `--require` preload that calls module.register() keeps node's first-tick order for a
// CommonJS entry, which an `--import` preload would not (../shared/docs/node-runtime.md).
import Module from 'node:module';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { configureValues, traceProcessThread } from '@panopticon/runtime';
import { setPluginOptions } from './transform';
import { isMainThread } from 'node:worker_threads';
import { claimIdBlock, partPaths, readOptions, type TraceOptions } from './options';
import { fileFilter } from './filter';
import { installCommonJsHooks } from './cjs-hooks';
import { keepTracingChildren } from './child-env';

const options = readOptions();
if (options) {
  const format = options.partFormat ?? 'json';
  const part = partPaths(options.sessionDir, process.pid, format);
  // Only the main thread writes the part (workers record into its arena): only it claims a block.
  const idBlock = format === 'pftrace' && isMainThread ? claimIdBlock(options.sessionDir, process.pid) : 0;
  const traced = traceProcessThread({ partPath: part.trace, startedPath: part.started, epochMs: options.epochMs, cwd: options.cwd, wakeups: options.wakeups, filters: options.filters, keepNewest: options.keepNewest, counters: options.counters, format, idBlock });
  if (traced) {
    if (options.redact) configureValues({ redact: options.redact });
    setPluginOptions(options);
    installLoaders(options);
  }
}

function installLoaders(options: TraceOptions): void {
  // Before the program can change its environment: children it starts with an env of its own
  // get the tracing variables back.
  keepTracingChildren(process.env);
  process.setSourceMapsEnabled(true);
  installCommonJsHooks(fileFilter(options), options.cwd);
  Module.register(pathToFileURL(join(__dirname, 'esm-hooks.js')).href, { data: options });
  // Starting the hooks thread leaves node-internal ticks queued; run them now, so that the
  // program's first microtasks run from the same place (and with the same stacks) as untraced.
  (process as unknown as { _tickCallback?: () => void })._tickCallback?.();
}
