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
import { ENDED_NAMES, RESUMED_NAMES } from '../coroutine-kinds';
import { flowBaseOf, visitSlices, type Slice } from '../slices';
import type { FunctionTable } from '../function-table';
import type { ProcessMeta, ThreadSource } from '../chrome-json';
import { ByteWriter, message, utf8 } from './bytes';
import { Ann, PerfettoWriter, annotateBool, annotateString, annotateUint, type ByteSink, type Sequence } from './writer';
import { FlowMode, ThreadSlices, type SliceFields } from './thread-slices';
import { CounterSamples, ThreadCustomEvents } from './custom-events';
import { SliceValues } from '../slice-values';
import { annotateValues } from './value-annotations';

/** Wake-up arrows' flow ids: above every chain's (flowBaseOf stays below 2^52). */
export const WAKE_FLOW_BASE = 2 ** 52;

const RESUMED_BYTES = RESUMED_NAMES.map(utf8);
const ENDED_BYTES = ENDED_NAMES.map(utf8);

/** Writes the whole trace of one process, all its threads; returns the number of track events. */
export function writePerfettoProcess(threads: ThreadSource[], proc: ProcessMeta, endMs: number, sink: ByteSink): number {
  const file = new PerfettoWriter(sink);
  const processTrack = file.processTrack(proc.pid, proc.name);
  const wakeIds = { next: WAKE_FLOW_BASE };
  const counters = new CounterSamples();
  threads.forEach((thread, index) => {
    const store = new ThreadSlices();
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
    store.write(seq, order, new RuntimeFields(thread.functions, notes, custom, valuesOf));
  });
  counters.write(file, processTrack);
  file.flush();
  return file.events;
}

class RuntimeFields implements SliceFields {
  /** Per function id: its name_iid and location args, encoded once (its name interned then). */
  private readonly blobs: Array<Uint8Array | undefined> = [];

  constructor(private readonly functions: FunctionTable, private readonly notes: string[], private readonly custom?: ThreadCustomEvents, private readonly values: Map<number, string[]> = new Map()) {}

  slice(seq: Sequence, w: ByteWriter, store: ThreadSlices, i: number): void {
    const id = store.a[i];
    let blob = this.blobs[id];
    if (blob === undefined) {
      blob = this.blobs[id] = this.functionBlob(id);
      seq.internName(id, this.functions.names[id]);
    }
    w.bytes(blob);
    const packed = store.c[i];
    const instance = store.d[i];
    if (instance !== 0) {
      annotateUint(w, Ann.Instance, instance);
      annotateUint(w, Ann.Slice, store.b[i]);
      annotateString(w, Ann.Resumed, RESUMED_BYTES[packed & 15]);
      const ended = (packed >> 4) & 15;
      if (ended !== 0) annotateString(w, Ann.Ended, ENDED_BYTES[ended]);
    }
    if (packed & (1 << 8)) annotateBool(w, Ann.Unfinished, true);
    if (this.values.size > 0) annotateValues(w, this.values.get(i));
  }

  instant(seq: Sequence, w: ByteWriter, _store: ThreadSlices, key: number): void {
    if (key < 0) return this.custom?.writeInstant(seq, w, key);
    w.stringField(23, 'panopticon: slices left out');
    annotateString(w, Ann.Note, this.notes[key]);
  }

  /** name_iid (the function id) and the file, line and col annotations. */
  private functionBlob(id: number): Uint8Array {
    const f = this.functions;
    return message((w) => {
      w.varintField(10, id);
      annotateString(w, Ann.File, f.files[id]);
      annotateUint(w, Ann.Line, f.lines[id]);
      annotateUint(w, Ann.Col, f.cols[id]);
    });
  }
}
