// Argument and return values (slice-values.ts) as debug annotations of a slice, named
// inline: parameter names are the program's, too many to intern.
import type { ByteWriter } from './bytes';

export function annotateValues(w: ByteWriter, pairs: string[] | undefined): void {
  if (pairs === undefined) return;
  for (let i = 0; i + 1 < pairs.length; i += 2) {
    const mark = w.open(4);
    w.stringField(10, pairs[i]);
    w.stringField(6, pairs[i + 1]);
    w.close(mark);
  }
}
