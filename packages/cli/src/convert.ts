// Converts a Chrome JSON trace (a merged session, or any trace the project reads) to Perfetto
// protobuf or gzipped JSON. The input streams line by line (trace-reader.ts); the protobuf side
// keeps each thread's slices in columns (ThreadSlices) until the input ends, because SLICE_BEGIN /
// SLICE_END pairs must be written in time order and X events come as they ended.
//
// What maps to what: X -> a slice (args as debug annotations; v2 bind_id / flow_in / flow_out ->
// flow_ids, terminating_flow_ids on a flow_in-only slice); B/E -> a slice; i/I/n -> an instant;
// s/t/f -> a flow through the slice a viewer binds each point to; C -> one counter track per
// series; M process_name / thread_name -> the track descriptors' names.
import { closeSync, openSync, writeSync } from 'node:fs';
import {
  GzipMembers,
  counterFields,
  PerfettoWriter,
  ThreadSlices,
  FlowMode,
  EventType,
  type Sequence,
  type TraceFormat,
} from '@panopticon/runtime';
import { readTraceEvents, type TraceEvent } from './trace-reader';
import { ArgsEncoder, type ThreadArgs } from './convert-args';

export interface ConvertResult {
  /** Events (packets with a track event, or JSON events) written. */
  events: number;
  truncated: boolean;
}

/** Converts the JSON trace `input` into `output` as `format` ('json' copies it through). */
export function convertTrace(input: string, output: string, format: TraceFormat): ConvertResult {
  const fd = openSync(output, 'w');
  try {
    const write = (bytes: Uint8Array): void => {
      let done = 0;
      while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
    };
    if (format === 'pftrace') return toPerfetto(input, write);
    return toJson(input, format === 'json.gz' ? new GzipMembers(write) : null, write);
  } finally {
    closeSync(fd);
  }
}

/** JSON again, one event per line (gzipped in whole members when `gz` is given). */
function toJson(input: string, gz: GzipMembers | null, write: (bytes: Uint8Array) => void): ConvertResult {
  let parts: string[] = [];
  let size = 0;
  let events = 0;
  const flush = (): void => {
    const text = parts.join('');
    parts = [];
    size = 0;
    if (gz) gz.push(text);
    else write(Buffer.from(text, 'utf8'));
  };
  const result = readTraceEvents(input, {
    event(_event, raw) {
      parts.push(events === 0 ? '[' : ',\n', raw);
      size += raw.length + 2;
      events++;
      if (size >= 1 << 20) flush();
    },
    restart() {
      parts = [];
      size = 0;
      events = 0;
    },
  });
  parts.push(events === 0 ? '[]\n' : '\n]\n');
  flush();
  gz?.flush();
  return { events, truncated: result.truncated };
}

interface ThreadState extends ThreadArgs {
  pid: number;
  tid: number;
  name?: string;
  slices: ThreadSlices;
  /** B events still open: start ns, name iid, args. */
  open: Array<[number, number, number, number, number]>;
  /** Instants: name iid, args offset, length, highest annotation iid. */
  instants: number[];
}

interface ProcessState {
  name?: string;
  threads: Map<number, ThreadState>;
  /** Counter samples: series index, time, value. */
  series: string[];
  samples: Array<[number, number, number]>;
}

const FLOW_V1_BASE = 2 ** 52;

function toPerfetto(input: string, write: (bytes: Uint8Array) => void): ConvertResult {
  let processes = new Map<number, ProcessState>();
  let bindIds = new Map<string, number>();
  let v1Ids = new Map<string, number>();
  const args = new ArgsEncoder();

  const processOf = (pid: number): ProcessState => {
    let p = processes.get(pid);
    if (!p) processes.set(pid, (p = { threads: new Map(), series: [], samples: [] }));
    return p;
  };
  const threadOf = (pid: number, tid: number): ThreadState => {
    const p = processOf(pid);
    let t = p.threads.get(tid);
    if (!t) p.threads.set(tid, (t = { pid, tid, slices: new ThreadSlices(), open: [], instants: [], ...ArgsEncoder.threadArgs() }));
    return t;
  };
  const bindId = (id: unknown): number => {
    if (typeof id === 'number' && Number.isInteger(id) && id >= 1 && id < FLOW_V1_BASE / 2) return id;
    const key = `${typeof id}:${String(id)}`;
    let mapped = bindIds.get(key);
    if (mapped === undefined) bindIds.set(key, (mapped = FLOW_V1_BASE / 2 + bindIds.size));
    return mapped;
  };
  const v1Id = (e: TraceEvent): number => {
    const key = `${String(e.cat)}\u0000${String(e.name)}\u0000${typeof e.id}:${String(e.id)}`;
    let mapped = v1Ids.get(key);
    if (mapped === undefined) v1Ids.set(key, (mapped = FLOW_V1_BASE + v1Ids.size));
    return mapped;
  };

  const read = readTraceEvents(input, {
    event(e) {
      const ph = e.ph;
      const pid = typeof e.pid === 'number' ? e.pid : 0;
      const tid = typeof e.tid === 'number' ? e.tid : pid;
      if (ph === 'M') {
        const name = (e.args as { name?: unknown } | undefined)?.name;
        if (typeof name !== 'string') return;
        if (e.name === 'process_name') processOf(pid).name = name;
        else if (e.name === 'thread_name') threadOf(pid, tid).name = name;
        return;
      }
      if (typeof e.ts !== 'number' || !(e.ts >= 0)) return;
      const ns = Math.round(e.ts * 1000);
      switch (ph) {
        case 'X': {
          if (typeof e.dur !== 'number' || !(e.dur >= 0)) return;
          const t = threadOf(pid, tid);
          let mode = FlowMode.None;
          let flow = 0;
          if (e.bind_id !== undefined && (e.flow_in === true || e.flow_out === true)) {
            mode = e.flow_out === true ? FlowMode.Out : FlowMode.In;
            flow = bindId(e.bind_id);
          }
          const [off, len, ann] = args.encode(t, e.args);
          t.slices.add(ns, ns + Math.round(e.dur * 1000), args.name(t, String(e.name ?? '')), off, len, ann, flow, mode);
          return;
        }
        case 'B': {
          const t = threadOf(pid, tid);
          const [off, len, ann] = args.encode(t, e.args);
          t.open.push([ns, args.name(t, String(e.name ?? '')), off, len, ann]);
          return;
        }
        case 'E': {
          const t = threadOf(pid, tid);
          const b = t.open.pop();
          if (b) t.slices.add(b[0], Math.max(ns, b[0]), b[1], b[2], b[3], b[4], 0, FlowMode.None);
          return;
        }
        case 'i':
        case 'I':
        case 'n': {
          const t = threadOf(pid, tid);
          const [off, len, ann] = args.encode(t, e.args);
          t.slices.instant(ns, t.instants.length / 4); // four numbers an instant
          t.instants.push(args.name(t, String(e.name ?? '')), off, len, ann);
          return;
        }
        case 's':
        case 't':
        case 'f':
          threadOf(pid, tid).slices.point(ns, v1Id(e), ph === 'f');
          return;
        case 'C': {
          const p = processOf(pid);
          for (const [key, value] of Object.entries((e.args ?? {}) as Record<string, unknown>)) {
            if (typeof value !== 'number') continue;
            const series = `${String(e.name)}${e.id !== undefined ? `[${String(e.id)}]` : ''}.${key}`;
            let index = p.series.indexOf(series);
            if (index < 0) index = p.series.push(series) - 1;
            p.samples.push([index, ns, value]);
          }
          return;
        }
      }
    },
    restart() {
      processes = new Map();
      bindIds = new Map();
      v1Ids = new Map();
    },
  });

  const file = new PerfettoWriter(write);
  for (const [pid, p] of processes) {
    const track = file.processTrack(pid, p.name ?? `process ${pid}`);
    for (const t of p.threads.values()) {
      for (const b of t.open.splice(0)) t.slices.add(b[0], b[0], b[1], b[2], b[3], b[4], 0, FlowMode.None);
      const order = t.slices.orderByStart();
      const seq = file.thread(track, pid, t.tid, t.name, t.slices.firstNs(order));
      t.slices.write(seq, order, {
        slice: (s, w, store, i) => args.write(s, w, t, store.a[i], store.b[i], store.c[i], store.d[i]),
        instant: (s, w, _store, k) => args.write(s, w, t, t.instants[k * 4], t.instants[k * 4 + 1], t.instants[k * 4 + 2], t.instants[k * 4 + 3]),
      });
    }
    if (p.samples.length > 0) writeCounters(file, track, p);
  }
  file.flush();
  return { events: file.events, truncated: read.truncated };
}

/** A process's counter samples, on a sequence of their own, in time order. */
function writeCounters(file: PerfettoWriter, processTrack: number, p: ProcessState): void {
  const tracks = p.series.map((name) => file.counterTrack(processTrack, name));
  const samples = p.samples.sort((x, y) => x[1] - y[1]);
  const seq: Sequence = file.sequence(samples[0][1]);
  for (const [series, ns, value] of samples) {
    counterFields(seq.begin(EventType.Counter, ns), tracks[series], value);
    seq.end();
  }
}
