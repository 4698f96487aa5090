// Side events (side-events.ts) in the Perfetto protobuf writer: instants go on their thread's
// track (TrackEvent type 3, args as debug annotations named inline), a thread's own name on its
// ThreadDescriptor (the latest one wins), and counter samples on one counter track per
// `name.key` under the process (as the JSON importer and the converter name them), written on a
// sequence of their own in time order.
import { SideKind } from '../side-events';
import { EventType, int64Field, type PerfettoWriter } from './writer';
import type { ByteWriter } from './bytes';
import type { Sequence } from './writer';
import type { ThreadSlices } from './thread-slices';

const bits = new Float64Array(1);
const bitBytes = new Uint8Array(bits.buffer);

/** A counter event's fields: its track (track_uuid 11) and its value (double_counter_value 44). */
export function counterFields(w: ByteWriter, track: number, value: number): void {
  w.varintField(11, track);
  w.tag(44, 1);
  bits[0] = value;
  w.bytes(bitBytes);
}

/** A process's counter samples, gathered over all its threads. */
export class CounterSamples {
  private readonly series: string[] = [];
  private readonly index = new Map<string, number>();
  private readonly samples: number[] = []; // series, ns, value triples

  add(name: string, values: Record<string, unknown>, atNs: number): void {
    for (const key of Object.keys(values)) {
      const value = values[key];
      if (typeof value !== 'number' || !Number.isFinite(value)) continue;
      const track = `${name}.${key}`;
      let i = this.index.get(track);
      if (i === undefined) this.index.set(track, (i = this.series.push(track) - 1));
      this.samples.push(i, atNs, value);
    }
  }

  /** For writeNew: tracks made for series (by index), and the sequence the samples go on. */
  private tracks: number[] = [];
  private live: Sequence | null = null;

  /**
   * While the program runs: the samples added since the last call, each on the boot clock (threads
   * drain out of time order; viewers sort), and tracks for series not seen before.
   */
  writeNew(file: PerfettoWriter, processTrack: number): void {
    const s = this.samples;
    if (s.length === 0) return;
    while (this.tracks.length < this.series.length) this.tracks.push(file.counterTrack(processTrack, this.series[this.tracks.length]));
    const seq = (this.live ??= file.sequence(s[1]));
    for (let k = 0; k < s.length; k += 3) {
      counterFields(seq.beginAt(EventType.Counter, s[k + 1]), this.tracks[s[k]], s[k + 2]);
      seq.end();
    }
    s.length = 0; // what is written is let go: a long run keeps no samples
  }

  /** One counter track per series under `processTrack`, and every sample; returns the samples. */
  write(file: PerfettoWriter, processTrack: number): number {
    const n = this.samples.length / 3;
    if (n === 0) return 0;
    const tracks = this.series.map((name) => file.counterTrack(processTrack, name));
    const s = this.samples;
    const order = Array.from({ length: n }, (_, k) => k).sort((x, y) => s[x * 3 + 1] - s[y * 3 + 1] || x - y);
    const seq = file.sequence(s[order[0] * 3 + 1]);
    for (const k of order) {
      counterFields(seq.begin(EventType.Counter, s[k * 3 + 1]), tracks[s[k * 3]], s[k * 3 + 2]);
      seq.end();
    }
    return n;
  }
}

/** One thread's instants and name; counters go to the process's CounterSamples. */
export class ThreadCustomEvents {
  private readonly instants: Array<[string, Record<string, unknown> | null]> = [];

  constructor(public name: string, private readonly store: ThreadSlices, private readonly counters: CounterSamples) {}

  /** The visitor's side(): keys of custom instants are negative (leftOut notes use >= 0). */
  add(kind: number, value: unknown, atNs: number): void {
    if (kind === SideKind.Instant) {
      if (!Array.isArray(value) || typeof value[0] !== 'string') return;
      const args = value[1] !== null && typeof value[1] === 'object' ? (value[1] as Record<string, unknown>) : null;
      this.store.instant(atNs, -1 - this.instants.length);
      this.instants.push([value[0], args]);
    } else if (kind === SideKind.Counter) {
      if (!Array.isArray(value) || typeof value[0] !== 'string' || value[1] === null || typeof value[1] !== 'object') return;
      this.counters.add(value[0], value[1] as Record<string, unknown>, atNs);
    } else if (kind === SideKind.ThreadName) {
      if (typeof value === 'string') this.name = value;
    }
  }

  /** Lets go of the instants added so far (their keys are not used again). */
  forgetInstants(): void {
    this.instants.length = 0;
  }

  /** Writes custom instant `key` (negative) into its packet: its name and args. */
  writeInstant(_seq: Sequence, w: ByteWriter, key: number): void {
    const [name, args] = this.instants[-1 - key];
    w.stringField(23, name);
    if (args === null) return;
    for (const k of Object.keys(args)) annotateNamed(w, k, args[k]);
  }
}

/** A debug annotation whose name is given inline (field 10), valued as the converter values JSON args. */
function annotateNamed(w: ByteWriter, name: string, value: unknown): void {
  const mark = w.open(4);
  w.stringField(10, name);
  if (typeof value === 'string') w.stringField(6, value);
  else if (typeof value === 'boolean') w.varintField(2, value ? 1 : 0);
  else if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) w.varintField(3, value);
  else if (typeof value === 'number' && Number.isSafeInteger(value)) int64Field(w, 4, value);
  else if (typeof value === 'number') {
    w.tag(5, 1);
    w.bytes(new Uint8Array(new Float64Array([value]).buffer));
  } else w.stringField(6, JSON.stringify(value) ?? String(value));
  w.close(mark);
}
