// The three output formats, told apart by the file name (or named outright).
export type TraceFormat = 'json' | 'json.gz' | 'pftrace';

export const FORMATS: readonly TraceFormat[] = ['json', 'json.gz', 'pftrace'];

/** The format a path's extension names: `.gz` gzipped JSON, `.pftrace` / `.perfetto-trace` protobuf; JSON otherwise. */
export function formatOfPath(path: string): TraceFormat {
  const lower = path.toLowerCase();
  if (lower.endsWith('.gz')) return 'json.gz';
  if (lower.endsWith('.pftrace') || lower.endsWith('.perfetto-trace')) return 'pftrace';
  return 'json';
}

/** `--format` text as a format, or undefined when it names none. */
export function parseFormat(text: string): TraceFormat | undefined {
  const t = text.toLowerCase().replace(/^\./, '');
  if (t === 'json') return 'json';
  if (t === 'json.gz' || t === 'gz' || t === 'gzip') return 'json.gz';
  if (t === 'pftrace' || t === 'perfetto' || t === 'protobuf' || t === 'proto') return 'pftrace';
  return undefined;
}
