// @panopticon/runtime/auto: loaded by builds instrumented with the plugin's `runtime: 'auto'`
// option (and by `panopticon-instrument` output), which run under plain node. It installs this
// thread's recorder, idle, and lets the environment switch it on:
//
//   PANOPTICON_OUTPUT=trace.json     record from the start, writing the trace there as it runs
//                                    (.json, .json.gz or .pftrace; process-stream.ts)
//   PANOPTICON_SIGNAL=SIGUSR2        each signal starts or stops recording; each stop writes
//                                    panopticon-<pid>-<time>.json (in PANOPTICON_DIR or the cwd)
//   PANOPTICON_BUFFER=N              flight recorder: record all the time, keep the newest N
//                                    events; the signal writes them out (and recording goes on)
//   PANOPTICON_MAX_DEPTH=D, PANOPTICON_MIN_DURATION=US   run-time filters for what is written
//   PANOPTICON_LOCATIONS=args|interned|none   how a .pftrace carries slice locations (slices.ts)
//   PANOPTICON_REDACT=KEY,...        more secret keys for argument values (plugin option `args`)
//   PANOPTICON_COUNTERS=MS           sample CPU, heap and event-loop counters every MS ms while
//                                    recording (counter-sampler.ts)
//
// With none of them set, nothing is recorded or written, and the hooks cost a load and a branch.
import { join } from 'node:path';
import { installRecorder } from './registry';
import { onEveryExit } from './exit-hooks';
import { writeTraceFile, defaultMeta } from './trace-file';
import type { Recorder } from './recorder';
import type { WriteFilters } from './chrome-json';
import { SLICE_LOCATIONS, type SliceLocations } from './slices';
import { streamRecorder, type RecorderStream } from './trace-stream';
import { formatOfPath } from './perfetto/formats';
import { canStreamPerfetto } from './perfetto/live-stream';
import { clock } from './clock';
import { configureValues } from './value-capture';
import { startCounterSampler } from './counter-sampler';

const env = process.env;

function numberFrom(name: string): number | undefined {
  const text = env[name];
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) {
    process.stderr.write(`panopticon: ignoring ${name}=${text}: not a number >= 0\n`);
    return undefined;
  }
  return value;
}

function locationsFrom(name: string): SliceLocations | undefined {
  const text = env[name];
  if (text === undefined || text === '') return undefined;
  const locations = SLICE_LOCATIONS.find((l) => l === text);
  if (locations === undefined) process.stderr.write(`panopticon: ignoring ${name}=${text}: not one of ${SLICE_LOCATIONS.join(', ')}\n`);
  return locations;
}

const recorder = installRecorder();
if (env.PANOPTICON_REDACT) configureValues({ redact: env.PANOPTICON_REDACT.split(',') });
const filters: WriteFilters = { maxDepth: numberFrom('PANOPTICON_MAX_DEPTH'), minDurationUs: numberFrom('PANOPTICON_MIN_DURATION'), locations: locationsFrom('PANOPTICON_LOCATIONS') };
const buffer = numberFrom('PANOPTICON_BUFFER') ?? 0;
if (buffer > 0) recorder.keepNewest(buffer);
// Before any exit hook below: the main thread's last sample goes in before the trace is written.
const counters = numberFrom('PANOPTICON_COUNTERS');
if (counters) startCounterSampler(recorder, counters);

/** Writes what the recorder holds; says where on stderr. Never throws (it runs in handlers). */
function save(rec: Recorder, path: string): void {
  try {
    const droppedEvents = rec.droppedEvents;
    const events = writeTraceFile(path, rec, defaultMeta(), undefined, { filters, droppedEvents });
    const dropped = droppedEvents > 0 ? `, ${droppedEvents} older events dropped (the flight recorder keeps the newest ${buffer})` : '';
    process.stderr.write(`panopticon: wrote ${events} events to ${path}${dropped} (open it at https://ui.perfetto.dev)\n`);
  } catch (error) {
    process.stderr.write(`panopticon: could not write ${path}: ${(error as Error).message}\n`);
  }
}

function snapshotPath(): string {
  const time = new Date().toISOString().replace(/[:.]/g, '-');
  return join(env.PANOPTICON_DIR || process.cwd(), `panopticon-${process.pid}-${time}.json`);
}

const output = env.PANOPTICON_OUTPUT;
if (output) {
  // Written while the program runs (memory stays bounded), but for a flight recorder, or a
  // .pftrace that must know a slice's length before its begin (live-stream.ts): those at exit.
  const streamable = buffer === 0 && (formatOfPath(output) !== 'pftrace' || canStreamPerfetto(filters));
  const stream = streamable ? openStream(output) : null;
  recorder.start();
  onEveryExit(() => {
    if (!stream) return save(recorder, output);
    try {
      const events = stream.finish(clock.now());
      process.stderr.write(`panopticon: wrote ${events} events to ${output} (open it at https://ui.perfetto.dev)\n`);
    } catch (error) {
      process.stderr.write(`panopticon: could not write ${output}: ${(error as Error).message}\n`);
    }
  });
}

function openStream(path: string): RecorderStream | null {
  try {
    return streamRecorder(recorder, path, defaultMeta(), { filters });
  } catch (error) {
    process.stderr.write(`panopticon: could not write ${path}: ${(error as Error).message}\n`);
    return null;
  }
}

const signal = env.PANOPTICON_SIGNAL;
if (signal) {
  if (buffer > 0) recorder.start();
  try {
    process.on(signal as NodeJS.Signals, () => {
      if (buffer > 0) {
        save(recorder, snapshotPath()); // the flight recorder goes on recording
      } else if (recorder.recording) {
        recorder.stop();
        save(recorder, snapshotPath());
        recorder.clear();
      } else {
        recorder.start();
      }
    });
  } catch (error) {
    process.stderr.write(`panopticon: cannot listen for PANOPTICON_SIGNAL=${signal}: ${(error as Error).message}\n`);
  }
}
