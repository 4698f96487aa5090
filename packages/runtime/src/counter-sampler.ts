// `--counters`: samples, on a timer, what Node can tell about the thread and the process, as
// counter side events (side-events.ts) on the thread's recorder:
//
//   cpu (process)           user %, system %   process.cpuUsage() over the interval (all threads;
//                                              main thread only: Node 20 has no per-thread figure)
//   cpu (<thread>)          user %, system %   instead, where process.threadCpuUsage() exists
//                                              (Node 23.9+): each thread its own
//   heap (<thread>)         used MB, total MB  the thread's own V8 heap (v8.getHeapStatistics())
//   event loop (<thread>)   utilization %,     performance.eventLoopUtilization() over the
//                           delay mean ms,     interval; monitorEventLoopDelay()'s histogram
//                           delay max ms       (beyond its own period), reset every sample
//
// The timer is unref'd (the program ends when it would), the sampler's code is not instrumented
// (no slices of its own), and it writes nothing but events. The main thread takes a last sample
// on exit, so a program that never yields to its event loop still gets one.
import { isMainThread, threadId } from 'node:worker_threads';
import { getHeapStatistics } from 'node:v8';
import { monitorEventLoopDelay, performance, type EventLoopUtilization, type IntervalHistogram } from 'node:perf_hooks';
import { clock } from './clock';
import { SideKind } from './side-events';
import type { Recorder } from './recorder';

export const DEFAULT_COUNTER_INTERVAL_MS = 10;

type CpuUsage = NodeJS.CpuUsage;
type ThreadCpu = (previous?: CpuUsage) => CpuUsage;

/**
 * Starts sampling this thread every `intervalMs` (while the recorder records); returns a stop
 * function. Never throws: a figure Node cannot give is left out.
 */
export function startCounterSampler(recorder: Recorder, intervalMs: number = DEFAULT_COUNTER_INTERVAL_MS): () => void {
  const label = isMainThread ? 'main' : `worker ${threadId}`;
  const threadCpu = (process as unknown as { threadCpuUsage?: ThreadCpu }).threadCpuUsage;
  const cpu: ThreadCpu | undefined = typeof threadCpu === 'function' ? (p) => threadCpu.call(process, p) : isMainThread ? (p) => process.cpuUsage(p) : undefined;
  const cpuName = typeof threadCpu === 'function' ? `cpu (${label})` : 'cpu (process)';
  const heapName = `heap (${label})`;
  const loopName = `event loop (${label})`;
  let delay: IntervalHistogram | undefined;
  // The histogram records whole timer periods: the delay is what exceeds the resolution.
  const resolutionMs = Math.max(1, Math.min(10, Math.floor(intervalMs)));
  try {
    delay = monitorEventLoopDelay({ resolution: resolutionMs });
    delay.enable();
  } catch {
    delay = undefined;
  }
  let lastMs = clock.now();
  let lastCpu: CpuUsage | undefined = safe(() => cpu?.());
  let lastLoop: EventLoopUtilization | undefined = safe(() => performance.eventLoopUtilization());

  const sample = (): void => {
    if (!recorder.recording) return;
    const now = clock.now();
    const elapsedUs = (now - lastMs) * 1000;
    lastMs = now;
    if (cpu !== undefined && lastCpu !== undefined && elapsedUs > 0) {
      const used = safe(() => cpu(lastCpu));
      lastCpu = safe(() => cpu());
      if (used !== undefined) recorder.addSide(SideKind.Counter, [cpuName, { 'user %': percent(used.user, elapsedUs), 'system %': percent(used.system, elapsedUs) }]);
    }
    const heap = safe(() => getHeapStatistics());
    if (heap !== undefined) recorder.addSide(SideKind.Counter, [heapName, { 'used MB': mb(heap.used_heap_size), 'total MB': mb(heap.total_heap_size) }]);
    const loop: Record<string, number> = {};
    if (lastLoop !== undefined) {
      const current = safe(() => performance.eventLoopUtilization());
      const delta = current && safe(() => performance.eventLoopUtilization(current, lastLoop));
      if (current !== undefined) lastLoop = current;
      if (delta !== undefined && Number.isFinite(delta.utilization)) loop['utilization %'] = round(delta.utilization * 100);
    }
    if (delay !== undefined && delay.count > 0) {
      loop['delay mean ms'] = round(Math.max(0, delay.mean / 1e6 - resolutionMs));
      loop['delay max ms'] = round(Math.max(0, delay.max / 1e6 - resolutionMs));
      delay.reset();
    }
    if (Object.keys(loop).length > 0) recorder.addSide(SideKind.Counter, [loopName, loop]);
  };

  const guarded = (): void => {
    try {
      sample();
    } catch {
      // sampling is best effort; the program must not notice
    }
  };
  const timer = setInterval(guarded, Math.max(1, intervalMs));
  timer.unref();
  if (isMainThread) process.on('exit', guarded);
  return () => {
    clearInterval(timer);
    delay?.disable();
    if (isMainThread) process.removeListener('exit', guarded);
  };
}

function safe<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

const round = (x: number): number => Math.round(x * 100) / 100;
const percent = (us: number, elapsedUs: number): number => round((us / elapsedUs) * 100);
const mb = (bytes: number): number => round(bytes / 2 ** 20);
