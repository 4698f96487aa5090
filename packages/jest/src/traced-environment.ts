// What makes a Jest environment traced, added to jest-environment-node or -jsdom.
//
// Instrumented code finds its recorder through `globalThis[Symbol.for('panopticon.runtime')]` of
// the realm it runs in, and a test file runs in the environment's own context, so the recorder is
// defined there (non-enumerable, as the runtime's registry does) in setup(), one per test file,
// and its trace written in teardown(). Each module of the file's registry registers its functions
// with it at its first call, again after jest.resetModules() (new module instances, new entries).
//
// When the process already records (it runs under the `panopticon` command), the test context
// shares the process's recorder instead, and the test file's events go into the process's trace:
// no file of its own is written.
import { mkdirSync, openSync, closeSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { threadId } from 'node:worker_threads';
import type { EnvironmentContext, JestEnvironment, JestEnvironmentConfig } from '@jest/environment';
import type { Circus } from '@jest/types';
import { Recorder, VERSION, REGISTRY_KEY, clock, currentRecorder, writeChromeTrace } from '@panopticon/runtime';
import { TestSpans } from './test-spans';
import { displayPath, readOptions, tracePath, type PanopticonJestOptions } from './options';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a mixin's base must take any arguments
type EnvironmentClass = abstract new (...args: any[]) => JestEnvironment;

export function traced<T extends EnvironmentClass>(Base: T): T {
  abstract class TracedEnvironment extends Base {
    private readonly panopticon: PanopticonJestOptions;
    private readonly rootDir: string;
    private readonly testPath: string;
    private recorder: Recorder | null = null;
    /** Whether the recorder is this file's own (written at teardown) or the process's. */
    private ownRecorder = false;
    private spans: TestSpans | null = null;

    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    constructor(...args: any[]) {
      super(...args);
      const [config, context] = args as [JestEnvironmentConfig, EnvironmentContext];
      this.panopticon = readOptions(config.projectConfig.testEnvironmentOptions);
      this.rootDir = config.projectConfig.rootDir;
      this.testPath = context.testPath;
    }

    override async setup(): Promise<void> {
      await super.setup();
      const shared = currentRecorder();
      this.ownRecorder = shared === undefined || !shared.recording;
      const recorder = this.ownRecorder ? new Recorder(VERSION) : shared!;
      Object.defineProperty(this.global, REGISTRY_KEY, { value: recorder, enumerable: false, configurable: true, writable: false });
      this.recorder = recorder;
      this.spans = new TestSpans(recorder, displayPath(this.rootDir, this.testPath), (path) => displayPath(this.rootDir, path), !this.ownRecorder);
      recorder.start();
    }

    /** Called from handleTestEvent (defined on the prototype below). */
    noteTestEvent(event: Circus.Event): void {
      this.spans?.handle(event);
    }

    override async teardown(): Promise<void> {
      try {
        this.writeTrace();
      } finally {
        await super.teardown();
      }
    }

    private writeTrace(): void {
      const recorder = this.recorder;
      const spans = this.spans;
      if (recorder === null || spans === null) return;
      spans.closeAll();
      this.recorder = null;
      this.spans = null;
      if (!this.ownRecorder) return;
      recorder.stop();
      const output = tracePath(this.rootDir, this.testPath, this.panopticon);
      const file = displayPath(this.rootDir, this.testPath);
      try {
        mkdirSync(dirname(output), { recursive: true });
        const fd = openSync(output, 'w');
        try {
          const annotated = spans.args.annotate((text) => {
            writeSync(fd, text);
          });
          const meta = { pid: process.pid, tid: threadId + 1, processName: `jest ${file}`, threadName: file };
          writeChromeTrace(recorder, meta, clock.now(), annotated.sink);
          annotated.end();
        } finally {
          closeSync(fd);
        }
      } catch (error) {
        // The tests ran; a trace that cannot be written should not fail them.
        process.stderr.write(`panopticon: could not write the trace of ${file} to ${output}: ${String(error)}\n`);
      }
    }
  }
  // handleTestEvent goes on the prototype, as a method: an environment extending this one can
  // then define its own and call super's. (JestEnvironment types it as an optional property,
  // which a class cannot override with a method.)
  const inherited = (Base.prototype as JestEnvironment).handleTestEvent;
  Object.defineProperty(TracedEnvironment.prototype, 'handleTestEvent', {
    configurable: true,
    writable: true,
    value: function handleTestEvent(this: TracedEnvironment, event: Circus.Event, state: Circus.State): void | Promise<void> {
      this.noteTestEvent(event);
      if (typeof inherited === 'function') return (inherited as (e: Circus.Event, s: Circus.State) => void | Promise<void>).call(this, event, state);
    },
  });
  return TracedEnvironment;
}

// panopticon-ignore-file: the tracer's own code is not traced (under `panopticon -- jest` it would
// be, when not installed under node_modules, and its frames would close the spans it opens).
