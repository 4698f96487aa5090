// Number formatting for trace timestamps. Times are kept as integer nanoseconds from the moment
// they are read back, so that a child's end never rounds past its parent's: ts and dur are both
// printed exactly, in microseconds with three decimals.

/** Milliseconds (the clock's unit) to integer nanoseconds. */
export function msToNs(ms: number): number {
  return Math.round(ms * 1e6);
}

/** Integer nanoseconds as microseconds, e.g. 1234567 -> "1234.567", 5000 -> "5". */
export function nsToMicros(ns: number): string {
  const whole = Math.floor(ns / 1000);
  const frac = ns - whole * 1000;
  if (frac === 0) return String(whole);
  const digits = frac < 10 ? '00' + frac : frac < 100 ? '0' + frac : String(frac);
  return whole + '.' + digits;
}
