// The clock every event is stamped with, in milliseconds since the realm's time origin.
//
// Under Node it comes from the `perf_hooks` module, not the global `performance`: Jest's fake
// timers replace the global's `now` and would freeze the trace, while the module's object keeps
// running. Elsewhere (a browser page, a bare `vm` context) it is whatever the realm has.
export interface Clock {
  now(): number;
  /** Epoch milliseconds of `now() === 0`, so traces from several processes line up. */
  timeOrigin: number;
}


function nodePerformance(): Clock | undefined {
  try {
    if (typeof process === 'object' && process !== null && typeof process.versions?.node === 'string' && typeof require === 'function') {
      return (require('node:perf_hooks') as { performance: Clock }).performance;
    }
  } catch {
    // not Node after all (a bundler shim): fall through
  }
  return undefined;
}

function realmClock(): Clock {
  const perf = (globalThis as { performance?: Clock }).performance;
  if (perf && typeof perf.now === 'function') return perf;
  const origin = Date.now();
  return { now: () => Date.now() - origin, timeOrigin: origin };
}

export const clock: Clock = nodePerformance() ?? realmClock();
