// Side events (side-events.ts) as Chrome JSON: an instant is `ph:"i"` scoped to its thread, a
// counter sample `ph:"C"` (Perfetto makes one process-wide counter track per name and arg key), a
// thread's own name `thread_name` metadata (the latest one wins). Payloads come from the thread's
// side values; one that is missing or malformed writes nothing.
import { nsToMicros } from './format';
import { SideKind } from './side-events';

/** The event for side event `kind` with payload `value`, or null; `head` is `"pid":…,"tid":…`. */
export function sideEventJson(kind: number, value: unknown, head: string, atNs: number): string | null {
  switch (kind) {
    case SideKind.Instant: {
      if (!Array.isArray(value) || typeof value[0] !== 'string') return null;
      const args = value[1] !== null && typeof value[1] === 'object' ? `,"args":${JSON.stringify(value[1])}` : '';
      return `,\n{"ph":"i","s":"t",${head},"ts":${nsToMicros(atNs)},"name":${JSON.stringify(value[0])}${args}}`;
    }
    case SideKind.Counter: {
      if (!Array.isArray(value) || typeof value[0] !== 'string' || value[1] === null || typeof value[1] !== 'object') return null;
      return `,\n{"ph":"C",${head},"ts":${nsToMicros(atNs)},"name":${JSON.stringify(value[0])},"args":${JSON.stringify(value[1])}}`;
    }
    case SideKind.ThreadName:
      if (typeof value !== 'string') return null;
      return `,\n{"ph":"M","name":"thread_name",${head},"ts":0,"args":{"name":${JSON.stringify(value)}}}`;
    default:
      return null;
  }
}
