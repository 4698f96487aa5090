// How a coroutine slice began and ended. A coroutine event carries (instance << 3) | kind in the
// recorder's `marks` array; plain function events carry 0 there.

export const INSTANCE_SHIFT = 3;
export const KIND_MASK = (1 << INSTANCE_SHIFT) - 1;

/** How a slice of a generator or async function began. */
export const enum Resumed {
  First = 1,
  Next = 2,
  Throw = 3,
  Return = 4,
  AwaitFulfilled = 5,
  AwaitRejected = 6,
  /** Resumed from an await whose outcome is not known (`@traced` async methods without the plugin). */
  Await = 7,
}

/** How a slice of a generator or async function ended. */
export const enum Ended {
  Yield = 1,
  Await = 2,
  Return = 3,
  Throw = 4,
  /** Left by a return or a throw, not known which (`@traced` async methods without the plugin). */
  Settled = 5,
}

/** Mark of a wake-up event (code 0): the next coroutine slice was woken by the instance. */
export const WOKEN = 7;

export const RESUMED_NAMES = ['', 'first run', 'next', 'throw', 'return', 'await fulfilled', 'await rejected', 'await'];
export const ENDED_NAMES = ['', 'yield', 'await', 'return', 'throw', 'settled'];

/** Where an instance is between hooks. */
export const enum InstanceState {
  Running = 0,
  Yielded = 1,
  Awaiting = 2,
  Done = 3,
}
