// `panopticon summary TRACE`: decompresses a gzipped trace to a temporary file, then reads it with
// the best source that can (streaming back to front for our line-formatted JSON; any JSON front
// to back otherwise) and prints the report.
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { TraceReadError } from '../trace-reader';
import { Analysis, type Summary } from './analysis';
import { gunzipToTemp, isGzip, type Decompressed } from './gunzip';
import { jsonReport, textReport } from './report';
import { isFallBack, sourcesFor, UnreadableTrace } from './sources';

export interface SummaryOptions {
  top: number;
  json: boolean;
}

export { UnreadableTrace };

function magic(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(2);
    return buffer.subarray(0, readSync(fd, buffer, 0, 2, 0));
  } finally {
    closeSync(fd);
  }
}

export async function summarize(path: string): Promise<{ summary: Summary; truncated: boolean }> {
  let temp: Decompressed | undefined;
  try {
    if (isGzip(magic(path))) temp = await gunzipToTemp(path);
    const sources = sourcesFor(temp?.path ?? path);
    for (const [i, source] of sources.entries()) {
      let analysis = new Analysis(source.order === 'parents-first' ? 'streaming' : 'sorted');
      const sink = {
        slice: (s: Parameters<Analysis['slice']>[0]) => analysis.slice(s),
        processName: (pid: number, name: string) => analysis.processName(pid, name),
        threadName: (pid: number, tid: number, name: string) => analysis.threadName(pid, tid, name),
        counted: () => analysis.counted(),
        beginEnd: () => analysis.beginEnd(),
        counter: (pid: number, name: string, value: number) => analysis.counter(pid, name, value),
      };
      try {
        const read = source.read(sink, () => {
          analysis = new Analysis('sorted');
        });
        return { summary: analysis.finish(), truncated: read.truncated };
      } catch (error) {
        if (!isFallBack(error) || i === sources.length - 1) throw error;
      }
    }
    throw new UnreadableTrace('no reader for this file');
  } finally {
    temp?.remove();
  }
}

export async function summaryReport(path: string, shownAs: string, options: SummaryOptions): Promise<string> {
  const { summary, truncated } = await summarize(path);
  return (options.json ? jsonReport : textReport)(shownAs, truncated, summary, options.top);
}

/** The subcommand: prints the report, or a message and status 2 (no such file) or 1 (unreadable). */
export function summaryCommand(options: SummaryOptions & { trace: string }, cwd = process.cwd()): Promise<void> {
  const path = resolve(cwd, options.trace);
  if (!existsSync(path) || !statSync(path).isFile()) {
    process.stderr.write(`panopticon: summary: cannot find the trace ${options.trace} (${path})\n`);
    process.exitCode = 2;
    return Promise.resolve();
  }
  return summaryReport(path, options.trace, options).then(
    (report) => {
      process.stdout.write(report);
    },
    (error: Error) => {
      const known = error instanceof UnreadableTrace || error instanceof TraceReadError || 'code' in error;
      if (!known) throw error;
      // TraceReadError names the file itself
      const message = error instanceof TraceReadError ? error.message : `${options.trace}: ${error.message}`;
      process.stderr.write(`panopticon: summary: ${message}\n`);
      process.exitCode = 1;
    },
  );
}
