// Extra args for the slices of tests and hooks (status, the error of a failed test).
//
// The runtime's writer gives every slice of a function the same args (file, line, column), so the
// test's outcome is added on the way out: the writer puts each event on a line of its own and
// opens a slice's args with the function's fixed fragment (name, category, file, line, column);
// after that fragment, the outcome of that function's next slice is inserted. A test's slices
// never overlap (one runs after the other), so slices end in the order they started and the
// n-th slice written is the n-th run. This depends on the writer's layout (chrome-json.ts
// `functionFragment`); the tests read every trace back through the checker.
import type { Sink } from '@panopticon/runtime';

export type ArgValue = string | number | boolean | string[];
export type SliceArgs = Record<string, ArgValue>;

export class SliceArgsTable {
  /** Per fragment, the args of each run not yet written, oldest first. */
  private readonly pending = new Map<string, SliceArgs[]>();

  /** Queues `args` for the next slice of the function `name` registered at file:line:col. */
  add(name: string, file: string, line: number, col: number, args: SliceArgs): void {
    const key = fragment(name, file, line, col);
    const queue = this.pending.get(key);
    if (queue) queue.push(args);
    else this.pending.set(key, [args]);
  }

  /** A sink that inserts the queued args into the slices passing through to `sink`. */
  annotate(sink: Sink): { sink: Sink; end(): void } {
    let partial = '';
    const line = (text: string): string => {
      if (!text.startsWith('{"ph":"X"')) return text;
      const start = text.indexOf(',"name":');
      const end = fragmentEnd(text, start);
      if (start < 0 || end < 0) return text;
      const queue = this.pending.get(text.slice(start + 1, end));
      const args = queue?.shift();
      if (args === undefined) return text;
      return `${text.slice(0, end)}${serialise(args)}${text.slice(end)}`;
    };
    return {
      sink: (text: string): void => {
        const lines = (partial + text).split('\n');
        partial = lines.pop()!;
        if (lines.length > 0) sink(`${lines.map(line).join('\n')}\n`);
      },
      end: (): void => {
        if (partial !== '') sink(line(partial));
        partial = '';
      },
    };
  }
}

/** As the writer opens a slice: `"name":…,"cat":…,"args":{"file":…,"line":…,"col":…`. */
function fragment(name: string, file: string, line: number, col: number): string {
  const f = JSON.stringify(file);
  return `"name":${JSON.stringify(name)},"cat":${f},"args":{"file":${f},"line":${line},"col":${col}`;
}

/** Index just past the column number of the fragment starting at `start`, or -1. */
function fragmentEnd(text: string, start: number): number {
  if (start < 0) return -1;
  // Inside JSON strings every quote is escaped, so the first `,"col":` is the fragment's own.
  const col = text.indexOf(',"col":', start);
  if (col < 0) return -1;
  let end = col + 7;
  while (end < text.length && text.charCodeAt(end) >= 48 && text.charCodeAt(end) <= 57) end++;
  return end;
}

function serialise(args: SliceArgs): string {
  let text = '';
  for (const [key, value] of Object.entries(args)) text += `,${JSON.stringify(key)}:${JSON.stringify(value)}`;
  return text;
}

// panopticon-ignore-file: the tracer's own code is not traced (under `panopticon -- jest` it would
// be, when not installed under node_modules, and its frames would close the spans it opens).
