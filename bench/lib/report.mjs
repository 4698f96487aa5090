// The printed figures. Overheads are per call (one enter and one exit), from the medians.
import { median } from './measure.mjs';

const TRACED_TARGET = 1.15;
const IDLE_TARGET = 1.1;

const LABELS = {
  plain: 'plain (not instrumented)',
  traced: 'traced (recorder started)',
  notRecording: 'instrumented, not recording',
  reference: 'reference tracer',
};

const ms = (x) => x.toFixed(2).padStart(9);
const ratio = (x) => x.toFixed(3);
const mark = (x, target) => (x <= target ? 'ok' : 'ABOVE TARGET');

export function printClock(ns) {
  console.log(`clock: performance.now() costs ${ns.toFixed(1)} ns (each traced call reads it twice)\n`);
}

export function printWorkload(workload, { callsPerRun, calls, medians, times, rounds }) {
  console.log(`${workload.name}: ${workload.title}`);
  console.log(`  calls per run: ${callsPerRun.toLocaleString('en-US')}`);
  for (const mode of ['traced', 'reference']) {
    if (calls[mode] !== callsPerRun) console.log(`  WARNING: ${mode} counted ${calls[mode]} calls in its last run`);
  }
  for (const [mode, label] of Object.entries(LABELS)) {
    const spread = `(min ${Math.min(...times[mode]).toFixed(2)}, max ${Math.max(...times[mode]).toFixed(2)})`;
    console.log(`  ${label.padEnd(30)} ${ms(medians[mode])} ms  ${spread}`);
  }
  const perCall = (mode) => ((medians[mode] - medians.plain) / callsPerRun) * 1e6;
  const traced = perCall('traced');
  const reference = perCall('reference');
  const idle = perCall('notRecording');
  console.log(`  overhead per call: traced ${traced.toFixed(1)} ns, reference ${reference.toFixed(1)} ns, not recording ${idle.toFixed(1)} ns`);
  const tr = traced / reference;
  console.log(`  traced / reference overhead: ${ratio(tr)} (target <= ${TRACED_TARGET}: ${mark(tr, TRACED_TARGET)})`);
  const nr = medians.notRecording / medians.plain;
  const verdict = workload.idleTarget ? `target <= ${IDLE_TARGET}: ${mark(nr, IDLE_TARGET)}` : 'no target: nothing here but calls';
  console.log(`  not recording / plain time:  ${ratio(nr)} (${verdict})`);
  // The modes of one round ran seconds apart, under much the same load from other processes:
  // ratios taken within each round and then their median are a second opinion on a busy machine.
  const perRound = (f) => median(times.plain.map((_, i) => f(i)));
  const roundTr = perRound((i) => (times.traced[i] - times.plain[i]) / (times.reference[i] - times.plain[i]));
  const roundNr = perRound((i) => times.notRecording[i] / times.plain[i]);
  console.log(`  same, as medians of per-round ratios: traced/reference ${ratio(roundTr)}, not recording/plain ${ratio(roundNr)}`);
  console.log(`  (${rounds} rounds)\n`);
}
