// Where a recorder keeps its events and function tables. By default, typed arrays of its own;
// under the `panopticon` command, a shared-memory arena (arena.ts) that the process's main thread
// reads at exit, so a worker's events survive process.exit() and terminate().

/** The arrays of one chunk of events, filled from index 0. */
export interface ChunkArrays {
  codes: Int32Array;
  times: Float64Array;
  marks: Int32Array;
}

export interface RecorderStorage {
  /** A fresh, zeroed chunk of `events` events. */
  newChunk(events: number): ChunkArrays;
  /** A module registered its function table (ids are given in registration order). */
  registered(file: string, entries: ReadonlyArray<string | number>): void;
  /** A side event's payload was added at `index` of the thread's side values (before its event). */
  sideValue?(index: number, value: unknown): void;
  /**
   * The storage writes full chunks out itself and reuses their memory (the process arena under
   * `panopticon`): the recorder must not keep them.
   */
  streams?: boolean;
}

export const heapStorage: RecorderStorage = {
  newChunk(events) {
    return { codes: new Int32Array(events), times: new Float64Array(events), marks: new Int32Array(events) };
  },
  registered() {},
};
