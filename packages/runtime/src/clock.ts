// The clock every event is stamped with, in milliseconds since the realm's time origin.
//
// Under Node it comes from the `perf_hooks` module, not the global `performance`: Jest's fake
// timers replace the global's `now` and would freeze the trace, while the module's object keeps
// running. Elsewhere (a browser page, a bare `vm` context) it is whatever the realm has, made
// strictly increasing.
export interface Clock {
  now(): number;
  /** Epoch milliseconds of `now() === 0`, so traces from several processes line up. */
  timeOrigin: number;
}

/**
 * `perf`'s own `now`, taken once, now: under Node the global `performance` *is* the `perf_hooks`
 * object, so a spy or patch on `performance.now` (or on its prototype) made later by the program
 * or its test framework would otherwise freeze the trace as well. The prototype's method is
 * preferred to a same-named own property, which can only be such a patch.
 */
function captured(perf: Clock): Clock {
  const proto = Object.getPrototypeOf(perf) as Partial<Clock> | null;
  const now = typeof proto?.now === 'function' ? proto.now : perf.now;
  return {
    now: now.bind(perf),
    get timeOrigin(): number {
      return perf.timeOrigin;
    },
  };
}

function nodePerformance(): Clock | undefined {
  try {
    if (typeof process === 'object' && process !== null && typeof process.versions?.node === 'string' && typeof require === 'function') {
      return captured((require('node:perf_hooks') as { performance: Clock }).performance);
    }
  } catch {
    // not Node after all (a bundler shim): fall through
  }
  return undefined;
}

/** One nanosecond, in the clock's milliseconds. */
const TICK = 1e-6;

/**
 * `clock` made strictly increasing. Outside Node the realm's clock is coarse (browsers round
 * `performance.now()` to 5-100 us, `Date.now()` is whole milliseconds), so a call and the calls
 * it makes would all share one timestamp and viewers could no longer nest their zero-length
 * slices. Each reading is at least a nanosecond after the last instead.
 */
function strictlyIncreasing(clock: Clock): Clock {
  // A typed array, not a captured `let`: storing a fraction in a closure variable boxes a new
  // heap number on every event.
  const last = new Float64Array(1);
  last[0] = -Infinity;
  return {
    now(): number {
      const t = clock.now();
      const next = t > last[0] ? t : last[0] + TICK;
      last[0] = next;
      return next;
    },
    get timeOrigin(): number {
      return clock.timeOrigin;
    },
  };
}

function realmClock(): Clock {
  const perf = (globalThis as { performance?: Clock }).performance;
  if (perf && typeof perf.now === 'function') return strictlyIncreasing(captured(perf));
  const origin = Date.now();
  return strictlyIncreasing({ now: () => Date.now() - origin, timeOrigin: origin });
}

export const clock: Clock = nodePerformance() ?? realmClock();
