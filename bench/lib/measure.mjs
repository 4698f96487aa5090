// Timing: the modes of a workload take turns within each round (in a rotating order, so none is
// always first after a collection or always last), and each figure is a median over rounds.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

// A full collection before every sample, untimed: the garbage one mode leaves (the recorder's
// dropped chunks, a parser's trees) is then not collected on another mode's time.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');

const clock = performance;

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Runs `run(exports)` once per mode per round; when it returns a promise (an async workload) the
 * sample ends when that settles. Returns, per mode, the sample times in ms and what the mode's
 * tracer counted in its last sample (see modes.mjs).
 */
export async function interleave(modes, run, { rounds, warmup }) {
  const names = Object.keys(modes);
  const times = Object.fromEntries(names.map((n) => [n, []]));
  const counts = {};
  for (let round = -warmup; round < rounds; round++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(k + round + warmup) % names.length];
      const mode = modes[name];
      mode.reset();
      gc();
      mode.arm?.();
      const start = clock.now();
      const result = run(mode.exports);
      // Not awaited when synchronous: an await costs a microtask turn the sample need not have.
      if (typeof result?.then === 'function') await result;
      const elapsed = clock.now() - start;
      mode.disarm?.();
      counts[name] = mode.counts();
      if (round >= 0) times[name].push(elapsed);
    }
  }
  for (const name of names) modes[name].reset();
  return { times, counts };
}

/** The cost of one clock read in ns: the median of several batches of back-to-back reads. */
export function clockCost(batches = 15, reads = 1_000_000) {
  const costs = [];
  let sink = 0;
  for (let b = 0; b < batches; b++) {
    const start = clock.now();
    for (let i = 0; i < reads; i++) sink += clock.now();
    costs.push(((clock.now() - start) / reads) * 1e6);
  }
  if (sink === 0) console.log('');
  return median(costs);
}
