// What the recorder's argument and return hooks record (opt-in: the plugin's `args` option emits
// the calls): each value rendered now, safely (value-render.ts), since the objects may change or be gone
// by the time the trace is written. A side event (side-events.ts) carries the strings:
//   Args:   [name, rendered, name, rendered, ...]   one pair per parameter binding
//   Return: ['return' | 'throw', rendered]
// Allocation is fine here: nothing of this runs unless the user asked for values.
import { SideKind } from './side-events';
import { renderValue, secretKeys, type RenderOptions } from './value-render';

interface SideRecorder {
  addSide(kind: number, value: unknown): void;
}

let options: RenderOptions & { redact: (key: string) => boolean } = { redact: secretKeys() };

/** How values are rendered in this realm: extra secret keys and bounds (see RenderOptions). */
export function configureValues(config: { redact?: readonly string[]; depth?: number; entries?: number; length?: number; stringLength?: number }): void {
  options = { depth: config.depth, entries: config.entries, length: config.length, stringLength: config.stringLength, redact: secretKeys(config.redact ?? []) };
}

/** Each function's names, split once (the instrumented code passes the same literal each call). */
const splitNames = new Map<string, string[]>();

export function recordArgs(rec: SideRecorder, names: string, values: unknown[]): void {
  try {
    let keys = splitNames.get(names);
    if (keys === undefined) splitNames.set(names, (keys = String(names).split(',')));
    const payload: string[] = [];
    for (let i = 0; i < keys.length; i++) payload.push(keys[i], options.redact(keys[i]) ? '[redacted]' : renderValue(values[i], options));
    rec.addSide(SideKind.Args, payload);
  } catch {
    // never into user code
  }
}

export function recordResult(rec: SideRecorder, key: 'return' | 'throw', value: unknown): void {
  try {
    rec.addSide(SideKind.Return, [key, renderValue(value, options)]);
  } catch {
    // never into user code
  }
}
