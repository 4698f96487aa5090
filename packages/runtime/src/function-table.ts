// Every instrumented function has an integer id. A module registers its table of functions once,
// when its first hook runs, and gets the id of its first entry back; the code computes the rest
// as `base + index`. Names, files and positions are strings kept here, never on the hot path.

export interface FunctionInfo {
  name: string;
  file: string;
  line: number;
  col: number;
}

export class FunctionTable {
  /** Index 0 is unused so that id 0 can mean "nothing". */
  readonly names: string[] = [''];
  readonly files: string[] = [''];
  readonly lines: number[] = [0];
  readonly cols: number[] = [0];
  /**
   * Payloads of the thread's side events (side-events.ts), by index: append-only, and carried
   * wherever the function table is (the arena rebuilds both per thread).
   */
  readonly sideValues: unknown[] = [];

  get size(): number {
    return this.names.length;
  }

  /**
   * `entries` is flat: name, line, column, name, line, column, ... as the instrumenter emitted it.
   * Returns the id of the first entry.
   */
  register(file: string, entries: ReadonlyArray<string | number>): number {
    const base = this.names.length;
    for (let i = 0; i + 2 < entries.length; i += 3) {
      this.names.push(String(entries[i]));
      this.files.push(file);
      this.lines.push(Number(entries[i + 1]));
      this.cols.push(Number(entries[i + 2]));
    }
    return base;
  }

  info(id: number): FunctionInfo {
    return { name: this.names[id], file: this.files[id], line: this.lines[id], col: this.cols[id] };
  }
}
