// What `panopticon summary --json` must say about a trace, computed another way: every slice's
// parent found by searching all slices of its thread (the shortest one around it), recursion by
// walking up the parents, suspended time from an instance's slices sorted by their index.
import { readFileSync } from 'node:fs';

const ns = (us) => Math.round(us * 1000);

/** The trace's events (a JSON array or {traceEvents}), or the events that parse in a cut-off one. */
export function eventsOf(path) {
  const text = readFileSync(path, 'utf8');
  try {
    const doc = JSON.parse(text);
    return Array.isArray(doc) ? doc : doc.traceEvents;
  } catch {
    return text.split('\n').flatMap((line) => {
      try {
        return [JSON.parse(line.replace(/^\[/, '').replace(/,$/, ''))];
      } catch {
        return [];
      }
    });
  }
}

export function expectedSummary(events) {
  const slices = events
    .filter((e) => e.ph === 'X')
    .map((e, seq) => ({
      key: `${e.cat}\0${e.name}`,
      name: e.name,
      thread: `${e.pid}:${e.tid}`,
      pid: e.pid,
      tid: e.tid,
      start: ns(e.ts),
      end: ns(e.ts) + ns(e.dur),
      dur: ns(e.dur),
      instance: e.args?.instance,
      index: e.args?.slice,
      seq,
    }));
  for (const s of slices) {
    // the shortest slice around it; of identical ones, the nearest written after it (writers
    // write a slice when it ends, so the parent comes later)
    const around = slices.filter(
      (c) => c !== s && c.thread === s.thread && c.start <= s.start && s.end <= c.end && (c.start !== s.start || c.end !== s.end || c.seq > s.seq),
    );
    around.sort((a, b) => a.dur - b.dur || a.seq - b.seq);
    s.parent = around[0];
  }
  const functions = new Map();
  for (const s of slices) {
    const f = functions.get(s.key) ?? { name: s.name, calls: 0, slices: 0, selfNs: 0, totalNs: 0 };
    functions.set(s.key, f);
    f.slices++;
    if (!(s.index > 0)) f.calls++;
    f.selfNs += s.dur - slices.filter((c) => c.parent === s).reduce((sum, c) => sum + c.dur, 0);
    let outermost = true;
    for (let p = s.parent; p; p = p.parent) if (p.key === s.key) outermost = false;
    if (outermost) f.totalNs += s.dur;
  }
  const instances = new Map();
  for (const s of slices.filter((x) => x.instance !== undefined)) {
    const key = `${s.pid}:${s.tid}:${s.instance}`;
    instances.set(key, [...(instances.get(key) ?? []), s]);
  }
  const instanceStats = new Map(
    [...instances].map(([key, list]) => {
      list.sort((a, b) => a.index - b.index);
      let suspendedNs = 0;
      for (let i = 1; i < list.length; i++) suspendedNs += list[i].start - list[i - 1].end;
      return [key, { name: list[0].name, slices: list.length, suspendedNs, runNs: list.reduce((sum, s) => sum + s.dur, 0) }];
    }),
  );
  const threads = new Map();
  for (const e of events) {
    if (e.ph === 'M' && e.name === 'thread_name') threads.set(`${e.pid}:${e.tid}`, { name: e.args.name, slices: 0 });
  }
  for (const s of slices) threads.get(s.thread).slices++;
  return { events: events.length, slices: slices.length, functions, instances: instanceStats, threads };
}

/** The same shapes, from the summary's JSON (run with a --top covering everything). */
export function actualSummary(json) {
  const functions = new Map(json.functionsBySelf.map((f) => [`${f.file}\0${f.name}`, { name: f.name, calls: f.calls, slices: f.slices, selfNs: f.selfNs, totalNs: f.totalNs }]));
  const instances = new Map(json.instancesBySlices.map((i) => [`${i.pid}:${i.tid}:${i.instance}`, { name: i.name, slices: i.slices, suspendedNs: i.suspendedNs, runNs: i.runNs }]));
  const threads = new Map(json.processes.flatMap((p) => p.threads.map((t) => [`${p.pid}:${t.tid}`, { name: t.name, slices: t.slices }])));
  return { events: json.events, slices: json.slices, functions, instances, threads };
}
