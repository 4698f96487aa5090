// A process's shared-memory arena: every thread's recorder writes its events and function tables
// into it, and the main thread reads all of it synchronously when the process ends. Workers get
// the buffers through worker_threads environment data (cloned into nested workers too), so what a
// worker recorded is there even if the main thread calls process.exit() or terminates it, when
// the worker's own exit handlers never run (../shared/docs/node-runtime.md).
//
// Three SharedArrayBuffers:
// - header (fixed): counters, the owner of each chunk, the tid of each thread slot;
// - events (growable): chunk i at i * CHUNK_BYTES: codes, then marks (Int32), then times (Float64);
// - records (growable): [byte length, slot, kind, UTF-8 JSON] records, appended with an atomic
//   bump; the length word is stored last, so a reader stops at a record still being written.
// A chunk's events are the prefix whose times are not 0 (fresh shared memory is zeroed and the
// clock never reads 0), so no cursor has to be published per event.
import { FunctionTable } from './function-table';
import { heapStorage, type ChunkArrays, type RecorderStorage } from './storage';
import type { EventChunk } from './recorder';

export interface ArenaBuffers {
  header: SharedArrayBuffer;
  events: SharedArrayBuffer;
  records: SharedArrayBuffer;
  chunkEvents: number;
}

/** A thread's recorded data, as read back from the arena. */
export interface ThreadData {
  tid: number;
  name: string;
  /** The thread's clock origin, epoch ms (its recorded times are relative to it). */
  timeOrigin: number;
  functions: FunctionTable;
  chunks(): EventChunk[];
}

const MAX_EVENT_BYTES = 2 ** 31;
const MAX_RECORD_BYTES = 2 ** 28;
const MAX_THREADS = 1024;
/** Side-event payloads stop here; the rest of the records buffer is kept for function tables. */
const SIDE_RECORD_BYTES = MAX_RECORD_BYTES * 0.75;
const NEXT_CHUNK = 0;
const NEXT_SLOT = 1;
const RECORD_BYTES = 2;
const FREE_LOCK = 3;
const FREE_COUNT = 4;
const CLAIM_SEQ = 5;
/** 1 once some thread said that side-event payloads no longer fit. */
const SIDE_FULL_NOTED = 6;
const FIRST_OWNER = 16;
export const RECORD_MODULE = 1;
export const RECORD_THREAD_NAME = 2;
export const RECORD_THREAD_ORIGIN = 3;
/** [index, value]: a side event's payload (side-events.ts), before the event itself. */
export const RECORD_SIDE_VALUE = 4;

export class Arena {
  private readonly header: Int32Array;
  /** How many chunks the arena can hold. */
  readonly maxChunks: number;
  private readonly chunkBytes: number;
  private readonly encoder = new TextEncoder();
  private recordBytes: Uint8Array | undefined;
  private recordWords: Int32Array | undefined;

  private constructor(readonly buffers: ArenaBuffers) {
    this.chunkBytes = buffers.chunkEvents * 16;
    this.maxChunks = Math.floor(MAX_EVENT_BYTES / this.chunkBytes);
    this.header = new Int32Array(buffers.header);
  }

  static create(chunkEvents: number): Arena {
    const maxChunks = Math.floor(MAX_EVENT_BYTES / (chunkEvents * 16));
    return new Arena({
      // owners, thread slots, claim sequence numbers, the stack of free chunks
      header: new SharedArrayBuffer((FIRST_OWNER + 3 * maxChunks + MAX_THREADS) * 4),
      events: new GrowableSharedArrayBuffer(0, { maxByteLength: MAX_EVENT_BYTES }),
      records: new GrowableSharedArrayBuffer(0, { maxByteLength: MAX_RECORD_BYTES }),
      chunkEvents,
    });
  }

  static attach(buffers: ArenaBuffers): Arena {
    return new Arena(buffers);
  }

  /** Storage for the calling thread's recorder; `tid` names the thread in the trace. */
  storageFor(tid: number, timeOrigin: number): RecorderStorage {
    const slot = Atomics.add(this.header, NEXT_SLOT, 1);
    if (slot >= MAX_THREADS) return heapStorage;
    this.append(slot, RECORD_THREAD_ORIGIN, timeOrigin);
    Atomics.store(this.header, this.slotsStart() + slot, tid);
    return {
      newChunk: (events) => this.claimChunk(slot, events),
      registered: (file, entries) => this.append(slot, RECORD_MODULE, [file, entries]),
      sideValue: (index, value) => this.appendSideValue(slot, index, value),
      streams: true,
    };
  }

  /** Names thread `tid` (a worker's file or `name` option); the latest name given wins. */
  nameThread(tid: number, name: string): void {
    this.append(0, RECORD_THREAD_NAME, [tid, name]);
  }

  /** Whether a thread was created through the (traced) Worker class: see nameThread. */
  isAnnounced(tid: number): boolean {
    let found = false;
    this.forEachRecord((_slot, kind, value) => {
      if (kind === RECORD_THREAD_NAME && (value as [number, string])[0] === tid) found = true;
    });
    return found;
  }

  /** Everything recorded so far, thread by thread, slot order (the main thread first). */
  read(): ThreadData[] {
    const slots = Math.min(Atomics.load(this.header, NEXT_SLOT), MAX_THREADS);
    const tables = Array.from({ length: slots }, () => new FunctionTable());
    const names = new Map<number, string>();
    const origins: number[] = [];
    this.forEachRecord((slot, kind, value) => {
      if (kind === RECORD_MODULE && slot < slots) tables[slot].register(...(value as [string, Array<string | number>]));
      else if (kind === RECORD_THREAD_NAME) names.set(...(value as [number, string]));
      else if (kind === RECORD_THREAD_ORIGIN) origins[slot] = value as number;
      else if (kind === RECORD_SIDE_VALUE && slot < slots) addSideValue(tables[slot], value);
    });
    const chunksOf: number[][] = Array.from({ length: slots }, () => []);
    const claimed = Math.min(Atomics.load(this.header, NEXT_CHUNK), this.maxChunks);
    for (let i = 0; i < claimed; i++) {
      const owner = Atomics.load(this.header, FIRST_OWNER + i) - 1;
      if (owner >= 0 && owner < slots) chunksOf[owner].push(i);
    }
    return tables.map((functions, slot) => {
      const tid = Atomics.load(this.header, this.slotsStart() + slot);
      return {
        tid,
        name: names.get(tid) ?? (tid === 1 ? 'main' : `worker ${tid - 1}`),
        timeOrigin: origins[slot] ?? 0,
        functions,
        chunks: () => chunksOf[slot].map((i) => this.readChunk(i)),
      };
    });
  }

  private slotsStart(): number {
    return FIRST_OWNER + this.maxChunks;
  }

  private claimChunk(slot: number, events: number): ChunkArrays {
    if (events !== this.buffers.chunkEvents) return heapStorage.newChunk(events);
    let index = this.popFree();
    if (index >= 0) {
      const reused = this.views(index);
      reused.codes.fill(0);
      reused.marks.fill(0);
      reused.times.fill(0);
    } else {
      index = Atomics.add(this.header, NEXT_CHUNK, 1);
      // Past the arena's end (or its memory refused), a chunk the thread alone holds: the hooks
      // must not throw into the program.
      if (index >= this.maxChunks) return heapStorage.newChunk(events);
      try {
        ensureLength(this.buffers.events, (index + 1) * this.chunkBytes);
      } catch {
        return heapStorage.newChunk(events);
      }
    }
    Atomics.store(this.header, this.seqStart() + index, Atomics.add(this.header, CLAIM_SEQ, 1) + 1);
    Atomics.store(this.header, FIRST_OWNER + index, slot + 1);
    return this.views(index);
  }

  // ------------------------------------------------------------ streaming (see arena-stream.ts)

  /** Chunks claimed so far (indices below this may be in use). */
  claimedChunks(): number {
    return Math.min(Atomics.load(this.header, NEXT_CHUNK), this.maxChunks);
  }

  /** The chunk's owner slot (-1: free) and claim sequence number (orders a thread's chunks). */
  ownerOf(index: number): number {
    return Atomics.load(this.header, FIRST_OWNER + index) - 1;
  }

  claimSeq(index: number): number {
    return Atomics.load(this.header, this.seqStart() + index);
  }

  threadCount(): number {
    return Math.min(Atomics.load(this.header, NEXT_SLOT), MAX_THREADS);
  }

  tidOf(slot: number): number {
    return Atomics.load(this.header, this.slotsStart() + slot);
  }

  chunkArrays(index: number): ChunkArrays {
    return this.views(index);
  }

  /** How many events of the chunk are written: the prefix whose times are not 0. */
  filledLength(index: number): number {
    return this.readChunk(index).length;
  }

  /** Gives a full chunk, read to the end, back for any thread to reuse. */
  freeChunk(index: number): void {
    Atomics.store(this.header, FIRST_OWNER + index, 0);
    this.lockFree();
    const count = Atomics.load(this.header, FREE_COUNT);
    Atomics.store(this.header, this.freeStart() + count, index);
    Atomics.store(this.header, FREE_COUNT, count + 1);
    Atomics.store(this.header, FREE_LOCK, 0);
  }

  /** Records from byte `from` on: calls `visit` for each complete one; returns where it stopped. */
  readRecords(from: number, visit: (slot: number, kind: number, value: unknown) => void): number {
    return this.forEachRecord(visit, from);
  }

  private popFree(): number {
    if (Atomics.load(this.header, FREE_COUNT) === 0) return -1;
    this.lockFree();
    const count = Atomics.load(this.header, FREE_COUNT);
    const index = count > 0 ? Atomics.load(this.header, this.freeStart() + count - 1) : -1;
    if (count > 0) Atomics.store(this.header, FREE_COUNT, count - 1);
    Atomics.store(this.header, FREE_LOCK, 0);
    return index;
  }

  private lockFree(): void {
    while (Atomics.compareExchange(this.header, FREE_LOCK, 0, 1) !== 0) {
      // held for a few stores by another thread
    }
  }

  private seqStart(): number {
    return FIRST_OWNER + this.maxChunks + MAX_THREADS;
  }

  private freeStart(): number {
    return this.seqStart() + this.maxChunks;
  }

  private views(index: number): ChunkArrays {
    const n = this.buffers.chunkEvents;
    const base = index * this.chunkBytes;
    return {
      codes: new Int32Array(this.buffers.events, base, n),
      marks: new Int32Array(this.buffers.events, base + 4 * n, n),
      times: new Float64Array(this.buffers.events, base + 8 * n, n),
    };
  }

  private readChunk(index: number): EventChunk {
    const arrays = this.views(index);
    // the filled prefix: times are never 0 once written
    let lo = 0;
    let hi = arrays.times.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (arrays.times[mid] !== 0) lo = mid + 1;
      else hi = mid;
    }
    return { ...arrays, length: lo };
  }

  /**
   * A payload JSON cannot carry (a cycle, a BigInt) goes as null: the hooks never throw. Payloads
   * stop at SIDE_RECORD_BYTES, so that function tables (names) always have room.
   */
  private appendSideValue(slot: number, index: number, value: unknown): void {
    if (Atomics.load(this.header, RECORD_BYTES) >= SIDE_RECORD_BYTES) {
      if (Atomics.compareExchange(this.header, SIDE_FULL_NOTED, 0, 1) === 0) {
        try {
          process.stderr.write(`panopticon: process ${process.pid}: the trace has no more room for custom events and counters; later ones are left out\n`);
        } catch {
          // nothing to tell it with
        }
      }
      return;
    }
    try {
      this.append(slot, RECORD_SIDE_VALUE, [index, value]);
    } catch {
      try {
        this.append(slot, RECORD_SIDE_VALUE, [index, null]);
      } catch {
        // the arena is full: the event reads as having no payload
      }
    }
  }

  private append(slot: number, kind: number, value: unknown): void {
    const bytes = this.encoder.encode(JSON.stringify(value));
    const size = 12 + ((bytes.length + 3) & ~3);
    const start = Atomics.add(this.header, RECORD_BYTES, size);
    if (start + size > MAX_RECORD_BYTES) return;
    try {
      // In steps of 64 KiB: growing shared memory is a system call, too slow for every record.
      if (this.buffers.records.byteLength < start + size) ensureLength(this.buffers.records, Math.min(MAX_RECORD_BYTES, (start + size + 0xffff) & ~0xffff));
    } catch {
      return;
    }
    // Views that follow the buffer as it grows, made once: a view per record costs more than the record.
    const recordBytes = (this.recordBytes ??= new Uint8Array(this.buffers.records));
    const words = (this.recordWords ??= new Int32Array(this.buffers.records));
    recordBytes.set(bytes, start + 12);
    const at = start >> 2;
    Atomics.store(words, at + 1, slot);
    Atomics.store(words, at + 2, kind);
    Atomics.store(words, at, bytes.length + 1); // last: the record is complete (+1: never 0)
  }

  private forEachRecord(visit: (slot: number, kind: number, value: unknown) => void, from = 0): number {
    const end = Math.min(Atomics.load(this.header, RECORD_BYTES), this.buffers.records.byteLength);
    const decoder = new TextDecoder();
    let at = from;
    while (at + 12 <= end) {
      const words = new Int32Array(this.buffers.records, at, 3);
      const length = Atomics.load(words, 0) - 1;
      if (length < 0) break; // still being written
      const bytes = new Uint8Array(length);
      bytes.set(new Uint8Array(this.buffers.records, at + 12, length)); // TextDecoder takes no shared memory
      visit(Atomics.load(words, 1), Atomics.load(words, 2), JSON.parse(decoder.decode(bytes)));
      at += 12 + ((length + 3) & ~3);
    }
    return at;
  }
}

/** Puts a RECORD_SIDE_VALUE record's payload at its index in the thread's table. */
export function addSideValue(table: FunctionTable, record: unknown): void {
  const [index, value] = record as [number, unknown];
  if (Number.isInteger(index) && index >= 0) table.sideValues[index] = value;
}

/** The growable form of the constructor (ES2024; the TypeScript lib here predates it). */
const GrowableSharedArrayBuffer = SharedArrayBuffer as unknown as new (length: number, options: { maxByteLength: number }) => SharedArrayBuffer;

/** Grows a growable SharedArrayBuffer to at least `bytes` (other threads may grow it too). */
function ensureLength(buffer: SharedArrayBuffer, bytes: number): void {
  const growable = buffer as SharedArrayBuffer & { grow(length: number): void };
  while (buffer.byteLength < bytes) {
    try {
      growable.grow(bytes);
    } catch {
      // another thread grew it past `bytes` in between: the loop re-checks
      if (buffer.byteLength < bytes) throw new RangeError('panopticon: the trace arena cannot grow');
    }
  }
}
