// The printed figures. Overheads are per call (a plain call, or a generator or async function
// instance with all its slices), from the medians.
import { median } from './measure.mjs';

const LABELS = {
  plain: 'plain (not instrumented)',
  traced: 'traced (recorder started)',
  notRecording: 'instrumented, not recording',
  reference: 'reference tracer',
  wakeups: 'traced with wake-up arrows',
};

const ms = (x) => x.toFixed(2).padStart(9);
const ratio = (x) => x.toFixed(3);
const count = (n) => n.toLocaleString('en-US');
const mark = (x, target) => (x <= target ? 'ok' : 'ABOVE TARGET');

export function printClock(ns) {
  console.log(`clock: performance.now() costs ${ns.toFixed(1)} ns (each traced call reads it twice)\n`);
}

const mediansOf = (times) => Object.fromEntries(Object.entries(times).map(([mode, t]) => [mode, median(t)]));

/** `woken`: { times, counts } of plain, traced and traced with wake-ups, measured afterwards. */
export function printWorkload(workload, { perRun, counts, times, rounds, woken }) {
  const medians = mediansOf(times);
  console.log(`${workload.name}: ${workload.title}`);
  const calls = perRun.calls;
  console.log(`  calls per run: ${count(calls)} (plain calls + generator and async function instances)`);
  if (perRun.slices !== calls) console.log(`  slices per run: ${count(perRun.slices)} (an instance runs as one slice per resumption)`);
  warnIfMiscounted(counts, calls);
  printTimes(times, medians);
  const perCall = (mode) => ((medians[mode] - medians.plain) / calls) * 1e6;
  const traced = perCall('traced');
  const reference = perCall('reference');
  const idle = perCall('notRecording');
  console.log(`  overhead per call: traced ${traced.toFixed(1)} ns, reference ${reference.toFixed(1)} ns, not recording ${idle.toFixed(1)} ns`);
  const target = workload.tracedTarget;
  const tr = traced / reference;
  console.log(`  traced / reference overhead: ${ratio(tr)} (target <= ${target}: ${mark(tr, target)})`);
  const nr = medians.notRecording / medians.plain;
  const verdict = workload.idleTarget ? `target <= ${workload.idleTarget}: ${mark(nr, workload.idleTarget)}` : `no target: ${workload.idleNote}`;
  console.log(`  not recording / plain time:  ${ratio(nr)} (${verdict})`);
  // The modes of one round ran seconds apart, under much the same load from other processes:
  // ratios taken within each round and then their median are a second opinion on a busy machine.
  const perRound = (f) => median(times.plain.map((_, i) => f(i)));
  const roundTr = perRound((i) => (times.traced[i] - times.plain[i]) / (times.reference[i] - times.plain[i]));
  const roundNr = perRound((i) => times.notRecording[i] / times.plain[i]);
  console.log(`  same, as medians of per-round ratios: traced/reference ${ratio(roundTr)}, not recording/plain ${ratio(roundNr)}`);
  if (woken) printWakeups({ ...woken, calls });
  console.log(`  (${rounds} rounds)\n`);
}

function warnIfMiscounted(counts, calls) {
  for (const mode of ['traced', 'reference', 'wakeups']) {
    if (counts[mode] && counts[mode].calls !== calls) console.log(`  WARNING: ${mode} counted ${counts[mode].calls} calls in its last run`);
  }
}

function printTimes(times, medians, indent = '  ') {
  for (const [mode, label] of Object.entries(LABELS)) {
    if (!times[mode]) continue;
    const spread = `(min ${Math.min(...times[mode]).toFixed(2)}, max ${Math.max(...times[mode]).toFixed(2)})`;
    console.log(`${indent}${label.padEnd(30)} ${ms(medians[mode])} ms  ${spread}`);
  }
}

/** The price of wake-up arrows, against tracing without them, from rounds of their own. */
function printWakeups({ counts, times, calls }) {
  const medians = mediansOf(times);
  console.log('  then, in rounds of their own after V8\'s promise hooks have been on:');
  warnIfMiscounted(counts, calls);
  printTimes(times, medians, '    ');
  const perRound = (f) => median(times.plain.map((_, i) => f(i)));
  const extra = medians.wakeups - medians.traced;
  const timeRatio = medians.wakeups / medians.traced;
  const overheadRatio = (medians.wakeups - medians.plain) / (medians.traced - medians.plain);
  const wakes = counts.wakeups.wakes ?? 0;
  const perArrow = wakes > 0 ? `, ${((extra / wakes) * 1e6).toFixed(0)} ns per arrow` : '';
  console.log(`  wake-up arrows: ${count(wakes)} per run; over traced: ${extra >= 0 ? '+' : ''}${extra.toFixed(2)} ms per run, ${((extra / calls) * 1e6).toFixed(1)} ns per call${perArrow}`);
  console.log(`  traced with wake-ups / traced: ${ratio(timeRatio)} in time, ${ratio(overheadRatio)} in overhead over plain`);
  const roundTime = perRound((i) => times.wakeups[i] / times.traced[i]);
  const roundOverhead = perRound((i) => (times.wakeups[i] - times.plain[i]) / (times.traced[i] - times.plain[i]));
  console.log(`  same, as medians of per-round ratios: ${ratio(roundTime)} in time, ${ratio(roundOverhead)} in overhead`);
}
