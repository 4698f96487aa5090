// Counter tracks in the summary: per process and track, how many samples and their range, so a
// trace recorded with --counters (or counter() calls) says what it holds.

export interface CounterStats {
  pid: number;
  /** The track's name: `name.key` (Chrome JSON counters are named so by the checker and converter). */
  name: string;
  samples: number;
  min: number;
  max: number;
  last: number;
}

export class CounterTable {
  private readonly byKey = new Map<string, CounterStats>();

  add(pid: number, name: string, value: number): void {
    if (!Number.isFinite(value)) return;
    const key = `${pid}\u0000${name}`;
    const stats = this.byKey.get(key);
    if (stats === undefined) this.byKey.set(key, { pid, name, samples: 1, min: value, max: value, last: value });
    else {
      stats.samples++;
      stats.min = Math.min(stats.min, value);
      stats.max = Math.max(stats.max, value);
      stats.last = value;
    }
  }

  list(): CounterStats[] {
    return [...this.byKey.values()].sort((a, b) => a.pid - b.pid || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
}

/** The report's lines for the counters (none when the trace has no counters). */
export function counterLines(counters: CounterStats[]): string[] {
  if (counters.length === 0) return [];
  const num = (x: number): string => String(Math.round(x * 100) / 100);
  const rows = counters.map((c) => [String(c.samples), num(c.min), num(c.max), num(c.last), `${c.name}  (pid ${c.pid})`]);
  const header = ['samples', 'min', 'max', 'last', 'counter'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]): string => '  ' + cells.map((c, i) => (i === cells.length - 1 ? c : c.padStart(widths[i]))).join('  ');
  return ['', 'Counters', line(header), ...rows.map(line)];
}
