// Where the summary's slices come from. A source reads one file and hands its records to a
// SliceSink, in the order it declares; openSources() sniffs the file and lists the sources to try,
// best first (a source that finds the file is not what it reads throws FallBack: the next one is
// tried with a fresh sink).
import { readHead, readTraceEvents } from '../trace-reader';
import { chromeEvent, type SliceSink } from './events';
import { readPftraceAsEnded, readPftraceParentsFirst } from './pftrace-source';
import { looksLikePerfetto, MalformedProtobuf } from './protobuf-reader';
import { NotLineFormatted, readEventsFromEnd } from './reverse-lines';
import { OrderError } from './thread-stack';

export interface SourceRead {
  /** The file was cut off mid-write: its incomplete last event is left out. */
  truncated: boolean;
}

export interface EventSource {
  /** What it reads, for messages. */
  readonly description: string;
  /**
   * 'parents-first': each thread's slices come last-ended first, so they can be nested as they
   * come, in memory bounded by the depth; 'any': the sink must sort them (memory per slice).
   */
  readonly order: 'parents-first' | 'any';
  /** `restart()`: forget what was given so far, the source starts over. */
  read(sink: SliceSink, restart: () => void): SourceRead;
}

/** Thrown by a source that cannot read this file after all: try the next one. */
export function isFallBack(error: unknown): boolean {
  return error instanceof NotLineFormatted || error instanceof OrderError;
}

export class UnreadableTrace extends Error {}

/** A one-event-per-line JSON array read backwards: streaming with bounded memory. */
function reverseJson(path: string): EventSource {
  return {
    description: 'Chrome JSON, one event per line',
    order: 'parents-first',
    read: (sink) => readEventsFromEnd(path, (event) => chromeEvent(event, sink)),
  };
}

/** Any Chrome JSON, front to back (trace-reader: line by line, else the whole file). */
function forwardJson(path: string): EventSource {
  return {
    description: 'Chrome JSON',
    order: 'any',
    read: (sink, restart) => readTraceEvents(path, { event: (event) => chromeEvent(event, sink), restart }),
  };
}

/** Our Perfetto protobuf, decoded front to back; a damaged file is an unreadable trace. */
function pftrace(path: string, order: EventSource['order']): EventSource {
  const read = order === 'parents-first' ? readPftraceParentsFirst : readPftraceAsEnded;
  return {
    description: 'Perfetto protobuf',
    order,
    read: (sink) => {
      try {
        return read(path, sink);
      } catch (error) {
        if (error instanceof MalformedProtobuf) throw new UnreadableTrace(`not a Perfetto protobuf trace after all: ${error.message}`);
        throw error;
      }
    },
  };
}

/** The sources that may read `path` (an uncompressed file), best first. */
export function sourcesFor(path: string): EventSource[] {
  const bytes = readHead(path, 4096);
  if (bytes.length === 0) throw new UnreadableTrace('the file is empty');
  // Perfetto's protobuf starts with field 1 of Trace (a packet): 0x0a, also JSON's newline; the
  // packet's length may be whitespace too, so the framing is checked before JSON is assumed.
  // Spooled parents first; slices in an order that cannot nest so: sorted.
  if (looksLikePerfetto(bytes)) return [pftrace(path, 'parents-first'), pftrace(path, 'any')];
  const start = bytes.toString('utf8').replace(/^\uFEFF/, '').trimStart();
  if (start.startsWith('[')) return [reverseJson(path), forwardJson(path)];
  if (start.startsWith('{')) return [forwardJson(path)];
  // Neither JSON nor well-framed packets, but protobuf's first byte: the decoder says what is wrong.
  if (bytes[0] === 0x0a) return [pftrace(path, 'parents-first'), pftrace(path, 'any')];
  throw new UnreadableTrace('not a trace: Chrome JSON begins with [ or {, Perfetto protobuf with 0x0a');
}
