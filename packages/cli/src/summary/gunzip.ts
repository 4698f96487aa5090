// A gzipped trace is decompressed to a temporary file first: gzip can only be read front to
// back, and the summary reads our JSON back to front (see reverse-lines.ts). Streaming, so the
// trace is never in memory; every gzip member is read (a streaming writer writes one per flush),
// and a file cut off mid-member keeps what could be decompressed.
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { constants, createGunzip } from 'node:zlib';
import { UnreadableTrace } from './sources';

export function isGzip(head: Buffer): boolean {
  return head[0] === 0x1f && head[1] === 0x8b;
}

export interface Decompressed {
  path: string;
  remove(): void;
}

export async function gunzipToTemp(path: string): Promise<Decompressed> {
  const dir = mkdtempSync(join(tmpdir(), 'panopticon-summary-'));
  const remove = (): void => rmSync(dir, { recursive: true, force: true });
  const out = join(dir, 'trace');
  try {
    // Z_SYNC_FLUSH at the end: a truncated stream gives what it holds instead of an error
    await pipeline(createReadStream(path), createGunzip({ finishFlush: constants.Z_SYNC_FLUSH }), createWriteStream(out));
  } catch (error) {
    remove();
    throw new UnreadableTrace(`cannot decompress it: ${(error as Error).message}`);
  }
  return { path: out, remove };
}
