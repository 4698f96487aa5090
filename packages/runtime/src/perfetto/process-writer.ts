// A process's recording as a Perfetto protobuf trace: the same slices, chains and wake-up arrows as
// the Chrome JSON writer (both encode what slices.ts's visitor hands them), as TrackEvents.
//
// - Each slice is a SLICE_BEGIN with the function's interned name (its iid is the function id)
//   and the args as debug annotations (file, line and col encoded once per function and copied),
//   and a SLICE_END.
// - An instance's chain of slices is one flow, id flowBase + instance (as the JSON's bind_id):
//   flow_ids on the SLICE_END of each slice but the last, terminating_flow_ids on the last.
// - A wake-up arrow is a flow of its own (ids from 2^52 up) from the waker's slice to the woken one.
// - Slices the filters left out are said by an instant on the thread, as in JSON.
import { msToNs } from '../format';
import { flowBaseOf, visitSlices, type Slice } from '../slices';
import type { ProcessMeta, ThreadSource } from '../chrome-json';
import { Ann, EventType, PerfettoWriter, annotateString, type ByteSink, type Sequence } from './writer';
import { FlowMode, ThreadSlices } from './thread-slices';
import { writeRuntimeSlices } from './runtime-encoder';
import { RuntimeFunctions } from './runtime-functions';
import { CounterSamples, ThreadCustomEvents } from './custom-events';
import { SliceValues } from '../slice-values';
import { streamThread } from './stream-encoder';

/** Wake-up arrows' flow ids: above every chain's (flowBaseOf stays below 2^52). */
export const WAKE_FLOW_BASE = 2 ** 52;

/** Writes the whole trace of one process, all its threads; returns the number of track events. */
export function writePerfettoProcess(threads: ThreadSource[], proc: ProcessMeta, endMs: number, sink: ByteSink): number {
  const file = new PerfettoWriter(sink);
  const processTrack = file.processTrack(proc.pid, proc.name);
  const wakeIds = { next: WAKE_FLOW_BASE };
  const counters = new CounterSamples();
  threads.forEach((thread, index) => {
    // Most threads in one pass over their events, with no store and no sort (stream-encoder.ts).
    const makeCustom = (store: ThreadSlices): ThreadCustomEvents => new ThreadCustomEvents(thread.name, store, counters);
    if (streamThread(file, processTrack, proc.pid, thread, thread.clockOffsetMs ?? proc.clockOffsetMs ?? 0, msToNs(endMs + (proc.clockOffsetMs ?? 0)), proc.filters ?? {}, flowBaseOf(index), makeCustom)) return;
    // A slice takes two events (an unfinished one, one): room for them all without growing.
    let recorded = 0;
    for (const chunk of thread.chunks()) recorded += chunk.length;
    const store = new ThreadSlices((recorded >> 1) + 64);
    const notes: string[] = [];
    const custom = new ThreadCustomEvents(thread.name, store, counters);
    const values = new SliceValues();
    const valuesOf = new Map<number, string[]>();
    const offsetMs = thread.clockOffsetMs ?? proc.clockOffsetMs ?? 0;
    const endNs = msToNs(endMs + (proc.clockOffsetMs ?? 0));
    visitSlices(thread, offsetMs, endNs, flowBaseOf(index), proc.filters ?? {}, {
      slice(s: Slice) {
        const mode = s.instance === 0 || !(s.flowIn || s.flowOut) ? FlowMode.None : s.flowOut ? FlowMode.Out : FlowMode.In;
        const packed = s.resumed | (s.ended << 4) | (s.unfinished ? 1 << 8 : 0);
        const pairs = values.any ? values.take(s.depth, s.startNs) : null;
        if (pairs !== null) valuesOf.set(store.count, pairs);
        store.add(s.startNs, s.endNs, s.id, s.index, packed, s.instance, s.flowId, mode);
      },
      wake(fromNs, toNs) {
        const id = wakeIds.next++;
        store.point(fromNs, id, false);
        store.point(toNs, id, true);
      },
      leftOut(atNs, note) {
        store.instant(atNs, notes.length);
        notes.push(note);
      },
      side(kind, value, atNs, depth) {
        values.side(kind, value, atNs, depth);
        custom.add(kind, value, atNs);
      },
    }, thread.functions.sideValues);
    const order = store.orderFromEndOrder();
    const seq = file.thread(processTrack, proc.pid, thread.tid, custom.name, store.firstNs(order));
    // Instant keys: >= 0 a note of what the filters left out, < 0 the program's own instants.
    writeRuntimeSlices(file, seq, store, order, new RuntimeFunctions(thread.functions, seq.id, proc.filters?.locations), valuesOf, (s, key, ns) => {
      if (key >= 0) return leftOutInstant(s, ns, notes[key]);
      custom.writeInstant(s, s.begin(EventType.Instant, ns), key);
      s.end();
    });
  });
  counters.write(file, processTrack);
  file.flush();
  return file.events;
}

/** An instant saying what the filters left out. */
function leftOutInstant(seq: Sequence, ns: number, note: string): void {
  const w = seq.begin(EventType.Instant, ns);
  w.stringField(23, 'panopticon: slices left out');
  annotateString(w, Ann.Note, note);
  seq.end();
}
