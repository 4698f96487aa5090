// Side events: things recorded on a thread that are not a function's enter or exit. They share the
// event stream (so they keep their place in time and in the call stack) as code 0 events whose
// mark is (payload << 3) | kind; the payload indexes the thread's table of side values
// (FunctionTable.sideValues), which travels with the function table (storage.ts, arena.ts).
//
// Kind 7 (WOKEN, coroutine-kinds.ts) is the wake-up event, whose payload is an instance number
// instead. Kinds a reader does not know are skipped.

/** Payloads share an Int32 mark with a 3-bit kind. */
export const SIDE_SHIFT = 3;
export const SIDE_KIND_MASK = (1 << SIDE_SHIFT) - 1;
/** Side values a thread can record (payload indexes must fit the mark). */
export const MAX_SIDE_VALUES = 2 ** (31 - SIDE_SHIFT) - 1;

export enum SideKind {
  /** An instant on the thread: value [name, args | null]. */
  Instant = 1,
  /** Counter samples: value [name, { key: number, ... }]. */
  Counter = 2,
  /** The thread names itself: value the name. */
  ThreadName = 3,
  /** Reserved: the enclosing slice's argument values. */
  Args = 5,
  /** Reserved: the enclosing slice's return value. */
  Return = 6,
}
