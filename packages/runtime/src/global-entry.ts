// Entry of the classic-script build (`@panopticon/runtime/global`, which scripts/bundle-global.mjs
// makes of it): evaluated in any realm (a `vm` context, a browser page) it installs that realm's
// recorder and starts recording. The trace is taken out with
// `globalThis[Symbol.for('panopticon.api')].chromeTrace()`.
import { installRecorder } from './registry';
import { writeChromeTrace } from './chrome-json';
import { clock } from './clock';
import { counter, instant, nameThread } from './custom-events';

const recorder = installRecorder();
recorder.start();

const api = {
  recorder,
  /** Custom events (custom-events.ts), for the page's own code. */
  instant,
  counter,
  nameThread,
  /** The trace so far as Chrome JSON text. */
  chromeTrace(): string {
    let text = '';
    const meta = { pid: 1, tid: 1, processName: 'page', threadName: 'main' };
    writeChromeTrace(recorder, meta, clock.now(), (part) => {
      text += part;
    });
    return text;
  },
};
Object.defineProperty(globalThis, Symbol.for('panopticon.api'), { value: api, enumerable: false, configurable: true });
