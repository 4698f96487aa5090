// The three formats compared as a viewer sees them: check-trace --dump of each, normalised so
// that only what may legitimately differ between formats is gone: slice order in the file (JSON
// lists slices as they end, protobuf as they begin), the slice indexes flows refer to, where on
// a slice a flow point sits, JSON's `cat`, threads that have a name but no events, and float
// noise (times compared in whole nanoseconds).
import assert from 'node:assert/strict';
import { readBigTrace } from './big-trace.mjs';

const ns = (us) => Math.round(us * 1000);

function sortedArgs(args) {
  if (!args || typeof args !== 'object') return {};
  return Object.fromEntries(Object.keys(args).sort().map((k) => [k, args[k]]));
}

function sliceKey(s) {
  return { name: s.name, ts: ns(s.ts), dur: s.dur === null ? null : ns(s.dur), depth: s.depth, args: sortedArgs(s.args) };
}

/** The normalised model of a dump. */
export function normalise(model) {
  const byThread = new Map(model.threads.map((t) => [`${t.pid}:${t.tid}`, t]));
  const order = (a, b) => a.ts - b.ts || (b.dur ?? Infinity) - (a.dur ?? Infinity) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  const threads = model.threads
    .filter((t) => t.slices.length > 0)
    .map((t) => ({ pid: t.pid, tid: t.tid, name: t.name, slices: t.slices.map(sliceKey).sort(order) }))
    .sort((a, b) => a.pid - b.pid || a.tid - b.tid);
  const flows = model.flows
    .map((f) =>
      f.slices.map((p) => {
        const s = byThread.get(`${p.pid}:${p.tid}`).slices[p.index];
        return `${p.pid}:${p.tid} ${s.name}@${ns(s.ts)}+${ns(s.dur ?? 0)}`;
      }),
    )
    .sort((a, b) => (a.join() < b.join() ? -1 : 1));
  const instants = model.instants
    .map((i) => ({ pid: i.pid, tid: i.tid, ts: ns(i.ts), name: i.name, args: sortedArgs(i.args) }))
    .sort((a, b) => a.ts - b.ts);
  const counters = model.counters.map((c) => ({ ...c, ts: ns(c.ts) })).sort((a, b) => a.ts - b.ts || (a.name < b.name ? -1 : 1));
  return { processes: model.processes, threads, flows, instants, counters };
}

/** Checks each file and asserts that all show the same trace; returns the normalised model. */
export function assertSameTrace(paths) {
  const models = paths.map((path) => {
    const trace = readBigTrace(path);
    assert.ok(trace.ok, `${path}:\n${trace.report}`);
    assert.deepEqual(trace.model.errors, [], path);
    return { path, format: `${trace.model.format}${trace.model.gzip ? ' (gzip)' : ''}`, model: normalise(trace.model) };
  });
  for (const other of models.slice(1)) assert.deepEqual(other.model, models[0].model, `${other.path} (${other.format}) shows another trace than ${models[0].path} (${models[0].format})`);
  return { model: models[0].model, formats: models.map((m) => m.format) };
}
