// The progress bar: only when stderr is a terminal and the tree is large enough for a bar to be
// worth its flicker; otherwise nothing, so logs and pipes stay clean.
import { SingleBar, Presets } from 'cli-progress';

export const PROGRESS_THRESHOLD = 50;

export interface Progress {
  tick(file: string): void;
  stop(): void;
  /** Prints a line above the bar (a syntax error) without tearing it. */
  log(text: string): void;
}

export function startProgress(total: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY || total < PROGRESS_THRESHOLD) {
    return { tick() {}, stop() {}, log: (text) => void stream.write(text) };
  }
  const bar = new SingleBar({
    stream,
    format: 'panopticon-instrument [{bar}] {value}/{total} {file}',
    hideCursor: true,
    clearOnComplete: true,
    etaBuffer: 50,
  }, Presets.shades_classic);
  bar.start(total, 0, { file: '' });
  return {
    tick: (file) => bar.increment({ file }),
    stop: () => bar.stop(),
    log: (text) => {
      // Clear the bar's line, print, and draw the bar again under the text.
      stream.write(`\r\x1b[2K${text}`);
      bar.render();
    },
  };
}
