// For the writers: the argument and return values (value-capture.ts) of the slice that is closing. Side
// events arrive while their slice is open, at its depth; a slice takes what arrived at its depth
// since it began (a slice the filters left out never takes its values, and they go stale: a
// later slice at that depth began after them).
import { SideKind } from './side-events';

export class SliceValues {
  private argsAt: number[] = [];
  private args: unknown[] = [];
  private resultAt: number[] = [];
  private result: unknown[] = [];
  /** Whether any value was seen: writers skip the lookup for traces without any. */
  any = false;

  side(kind: number, value: unknown, atNs: number, depth: number): void {
    if (kind === SideKind.Args) {
      this.args[depth] = value;
      this.argsAt[depth] = atNs;
      this.any = true;
    } else if (kind === SideKind.Return) {
      this.result[depth] = value;
      this.resultAt[depth] = atNs;
      this.any = true;
    }
  }

  /** [key, value, key, value, ...] for the slice at `depth` begun at `startNs`; null if none. */
  take(depth: number, startNs: number): string[] | null {
    if (!this.any) return null;
    let pairs: string[] | null = null;
    const args = this.args[depth];
    if (args !== undefined && this.argsAt[depth] >= startNs) {
      pairs = argPairs(args);
    }
    this.args[depth] = undefined;
    const result = this.result[depth];
    // [key, value, ...]: `return`/`throw` and its value, or a span's own args (a Jest test's status)
    if (result !== undefined && this.resultAt[depth] >= startNs && Array.isArray(result)) {
      for (let i = 0; i + 1 < result.length; i += 2) (pairs ??= []).push(String(result[i]), String(result[i + 1]));
    }
    this.result[depth] = undefined;
    return pairs;
  }
}

/** Parameters as `args.NAME` keys: apart from the slice's own args (file, line, ...). */
function argPairs(value: unknown): string[] {
  const pairs: string[] = [];
  if (!Array.isArray(value)) return pairs;
  for (let i = 0; i + 1 < value.length; i += 2) pairs.push(`args.${String(value[i])}`, String(value[i + 1]));
  return pairs;
}
