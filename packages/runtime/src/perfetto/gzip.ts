// gzip output written as whole members: input is gathered up to MEMBER_INPUT bytes, compressed
// with gzipSync and written as one complete member. A reader inflates the members one after the
// other (gzip allows concatenation), and a file cut off between members still inflates up to the
// last whole one. chrome://tracing reads only the first member, so members are large: a trace of
// up to MEMBER_INPUT bytes is one member and opens everywhere.
import { constants, gzipSync } from 'node:zlib';

/** Uncompressed bytes per member. */
export const MEMBER_INPUT = 32 << 20;

/** zlib level 1: several times faster than the default, for ~15% more bytes on traces. */
const LEVEL = constants.Z_BEST_SPEED;

export class GzipMembers {
  private parts: Buffer[] = [];
  private size = 0;

  /** `write` receives each finished member. */
  constructor(private readonly write: (member: Uint8Array) => void, private readonly memberInput = MEMBER_INPUT) {}

  /** Text (UTF-8) or bytes; bytes are copied, so a reused buffer may be passed. */
  push(data: string | Uint8Array): void {
    const buffer = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data);
    this.parts.push(buffer);
    this.size += buffer.length;
    if (this.size >= this.memberInput) this.flush();
  }

  /** Ends the current member (if it holds anything). */
  flush(): void {
    if (this.size === 0) return;
    const input = this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts, this.size);
    this.parts = [];
    this.size = 0;
    this.write(gzipSync(input, { level: LEVEL }));
  }
}
