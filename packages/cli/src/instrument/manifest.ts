// The manifest in OUTDIR: for each output, the hash of its source and of everything else that
// decides its content (settings, plugin options, tool versions). A second run skips an output
// whose entry matches and whose file is still there, and removes outputs of sources that are gone.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export const MANIFEST_NAME = '.panopticon-instrument.json';
const FORMAT = 1;

export interface ManifestEntry {
  /** The source, relative to OUTDIR. */
  source: string;
  sourceHash: string;
  optionsHash: string;
}

export class Manifest {
  private readonly previous: Record<string, ManifestEntry>;
  private readonly next: Record<string, ManifestEntry> = {};

  constructor(private readonly outDir: string) {
    this.previous = readEntries(join(outDir, MANIFEST_NAME));
  }

  /** Whether OUTPUT was written from exactly this source with these options and is still there. */
  upToDate(output: string, sourceHash: string, optionsHash: string, alsoWritten: string[] = []): boolean {
    const entry = this.previous[this.key(output)];
    return entry !== undefined && entry.sourceHash === sourceHash && entry.optionsHash === optionsHash && [output, ...alsoWritten].every((f) => existsSync(f));
  }

  record(output: string, source: string, sourceHash: string, optionsHash: string): void {
    this.next[this.key(output)] = { source: relative(this.outDir, source), sourceHash, optionsHash };
  }

  /** Outputs the last run wrote that this run did not plan (their source is gone or left out). */
  stale(planned: ReadonlySet<string>): string[] {
    return Object.keys(this.previous).filter((k) => !planned.has(join(this.outDir, k))).map((k) => join(this.outDir, k));
  }

  save(): void {
    writeFileSync(join(this.outDir, MANIFEST_NAME), JSON.stringify({ format: FORMAT, files: this.next }, null, 1) + '\n');
  }

  private key(output: string): string {
    return relative(this.outDir, output).split('\\').join('/');
  }
}

function readEntries(path: string): Record<string, ManifestEntry> {
  try {
    const data = JSON.parse(readFileSync(path, 'utf8')) as { format?: number; files?: Record<string, ManifestEntry> };
    return data.format === FORMAT && data.files && typeof data.files === 'object' ? data.files : {};
  } catch {
    return {}; // none yet, or unreadable: everything is rebuilt
  }
}

export function hash(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex').slice(0, 32);
}
