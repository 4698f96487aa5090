// The summary as text (columns, times in ms) or as JSON (times in integer ns), top N of each list.
import type { FunctionStats, InstanceStats, Summary } from './analysis';
import { counterLines } from './counters';

export interface Ranked {
  functionsBySelf: FunctionStats[];
  functionsByTotal: FunctionStats[];
  instancesBySlices: InstanceStats[];
  instancesBySuspended: InstanceStats[];
}

const byName = (a: { name: string; file: string }, b: { name: string; file: string }): number =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : a.file < b.file ? -1 : a.file > b.file ? 1 : 0;
const byInstance = (a: InstanceStats, b: InstanceStats): number => a.pid - b.pid || a.tid - b.tid || a.instance - b.instance;

/** The top `top` of each list; ties in a stable order (by name, by instance). */
export function rank(summary: Summary, top: number): Ranked {
  const fns = summary.functions;
  const instances = summary.instances;
  return {
    functionsBySelf: [...fns].sort((a, b) => b.selfNs - a.selfNs || byName(a, b)).slice(0, top),
    functionsByTotal: [...fns].sort((a, b) => b.totalNs - a.totalNs || byName(a, b)).slice(0, top),
    instancesBySlices: [...instances].sort((a, b) => b.slices - a.slices || byInstance(a, b)).slice(0, top),
    instancesBySuspended: [...instances].sort((a, b) => b.suspendedNs - a.suspendedNs || byInstance(a, b)).slice(0, top),
  };
}

export function jsonReport(file: string, truncated: boolean, summary: Summary, top: number): string {
  const { functions, instances, ...rest } = summary;
  return JSON.stringify({ file, truncated, ...rest, functionCount: functions.length, instanceCount: instances.length, ...rank(summary, top) }, null, 2) + '\n';
}

const ms = (ns: number): string => (ns / 1e6).toFixed(3);
const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  // every column but the last is right-aligned numbers
  const line = (cells: string[]): string =>
    '  ' + cells.map((c, i) => (i === cells.length - 1 ? c : c.padStart(widths[i]))).join('  ');
  return [line(header), ...rows.map(line)];
}

function fnLabel(f: FunctionStats): string {
  if (f.file === '' || f.file === f.name) return f.name; // a module's own slice is named by its file
  return `${f.name}  (${f.file}${f.line !== undefined ? `:${f.line}` : ''})`;
}

export function textReport(file: string, truncated: boolean, summary: Summary, top: number): string {
  const r = rank(summary, top);
  const threads = summary.processes.reduce((n, p) => n + p.threads.length, 0);
  const threadNames = new Map(summary.processes.flatMap((p) => p.threads.map((t) => [`${p.pid}:${t.tid}`, t.name ?? `tid ${t.tid}`] as const)));
  const out: string[] = [
    `Summary of ${file}`,
    `${plural(summary.events, 'event')}, ${plural(summary.slices, 'slice')} over ${ms(summary.endNs - summary.startNs)} ms; ` +
      `${plural(summary.processes.length, 'process', 'processes')}, ${plural(threads, 'thread')}`,
  ];
  if (truncated) out.push('The trace was cut off mid-write: its incomplete last event is left out.');
  if (summary.beginEnd > 0) out.push(`${plural(summary.beginEnd, 'B/E event')} not summarised (only complete X slices are).`);

  const fnHeader = ['self ms', 'total ms', 'calls', 'slices', 'function'];
  const fnRow = (f: FunctionStats): string[] => [ms(f.selfNs), ms(f.totalNs), String(f.calls), String(f.slices), fnLabel(f)];
  const of = (shown: number, all: number): string => (shown < all ? ` (top ${shown} of ${all})` : '');
  const nFns = summary.functions.length;
  out.push('', `Functions by self time${of(r.functionsBySelf.length, nFns)}`, ...table(fnHeader, r.functionsBySelf.map(fnRow)));
  out.push('', `Functions by total time${of(r.functionsByTotal.length, nFns)} (recursive calls count once)`, ...table(fnHeader, r.functionsByTotal.map(fnRow)));

  const nInst = summary.instances.length;
  if (nInst === 0) out.push('', 'No coroutine instances (generators, async functions).');
  else {
    const instHeader = ['slices', 'suspended ms', 'run ms', 'instance'];
    const instRow = (i: InstanceStats): string[] => [
      String(i.slices),
      ms(i.suspendedNs),
      ms(i.runNs),
      `${i.name} #${i.instance}  (pid ${i.pid}, ${threadNames.get(`${i.pid}:${i.tid}`)})`,
    ];
    out.push('', `Coroutine instances by slices${of(r.instancesBySlices.length, nInst)}`, ...table(instHeader, r.instancesBySlices.map(instRow)));
    out.push('', `Coroutine instances by suspended time${of(r.instancesBySuspended.length, nInst)}`, ...table(instHeader, r.instancesBySuspended.map(instRow)));
  }

  out.push('', 'Processes and threads');
  const rows: string[][] = [];
  for (const p of summary.processes) {
    rows.push([`pid ${p.pid}`, String(p.slices), p.name ?? '(unnamed process)']);
    for (const t of p.threads) rows.push([`tid ${t.tid}`, String(t.slices), `  ${t.name ?? '(unnamed thread)'}`]);
  }
  out.push(...table(['', 'slices', 'name'], rows));
  out.push(...counterLines(summary.counters));
  return out.join('\n') + '\n';
}
