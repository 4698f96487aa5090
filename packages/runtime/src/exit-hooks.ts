// Running a flush on every way out of a Node process that can be caught, without changing how
// the process ends.
//
// - 'exit' listeners run on a normal end, process.exitCode, process.exit(n), an uncaught exception
//   and an unhandled rejection; the code is Node's.
// - SIGINT, SIGTERM and SIGHUP kill the process without 'exit'. A listener takes away Node's
//   default, so ours flushes and then, if the program has no listener of its own, removes itself
//   and raises the signal again: the process still dies by it.
// - process.abort() runs no listener at all; it is wrapped to flush first.
// Heap exhaustion and SIGKILL cannot be caught.
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

export function onEveryExit(flush: (reason: string) => void): void {
  const guarded = (reason: string): void => {
    try {
      flush(reason);
    } catch (error) {
      // A throw in an 'exit' listener would skip the program's own listeners and change the code.
      try {
        process.stderr.write(`panopticon: could not write the trace: ${(error as Error)?.message ?? error}\n`);
      } catch {
        // nothing left to tell it with
      }
    }
  };

  process.on('exit', () => guarded('exit'));

  for (const signal of SIGNALS) {
    const onSignal = (): void => {
      // The program handles it: it goes on, or ends through process.exit and 'exit' flushes.
      if (process.listenerCount(signal) > 1) return;
      guarded(signal);
      process.removeListener(signal, onSignal);
      process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }

  const abort = process.abort;
  process.abort = function abort_(this: NodeJS.Process): never {
    guarded('abort');
    return abort.call(this);
  } as typeof process.abort;
  Object.defineProperty(process.abort, 'name', { value: 'abort' });
}
