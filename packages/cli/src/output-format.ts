// The command's output in the format asked for: processes always write JSON parts and the merge
// writes JSON, so for .json.gz or .pftrace the merge goes to a scratch file next to the output,
// which is then converted into the output and removed.
import { rmSync } from 'node:fs';
import { formatOfPath, type TraceFormat } from '@panopticon/runtime';
import { convertTrace } from './convert';

/** The format of `output`: `--format` if given, else its extension's. */
export function outputFormat(output: string, given: TraceFormat | undefined): TraceFormat {
  return given ?? formatOfPath(output);
}

/**
 * Runs `writeJson` with the path the JSON trace should go to, then converts it into `output`.
 * `written(result)` says whether there is anything to convert.
 */
export function writeInFormat<T>(output: string, format: TraceFormat, writeJson: (path: string) => T, written: (result: T) => boolean): T {
  if (format === 'json') return writeJson(output);
  const scratch = `${output}.json-${process.pid}`;
  try {
    const result = writeJson(scratch);
    if (written(result)) convertTrace(scratch, output, format);
    return result;
  } finally {
    rmSync(scratch, { force: true });
  }
}
