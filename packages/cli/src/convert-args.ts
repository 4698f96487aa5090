// A JSON event's name and args as protobuf: names interned per thread (iids numbered per thread,
// interned in the thread's sequence on first use), args encoded as debug annotations once, when
// read, into a per-thread byte buffer, and copied into the packet when written.
import { ByteWriter, FIXED_ANNOTATIONS, annotateBool, annotateDouble, annotateInt, annotateString, type Sequence } from '@panopticon/runtime';

export interface ThreadArgs {
  names: Map<string, number>;
  nameList: string[];
  nameInterned: Uint8Array;
  /** Annotation names, index iid - 1; the fixed ones first (every sequence interns those). */
  annotations: Map<string, number>;
  annotationList: string[];
  blobs: ByteWriter;
}

export class ArgsEncoder {
  static threadArgs(): ThreadArgs {
    const annotationList = [...FIXED_ANNOTATIONS] as string[];
    return {
      names: new Map(),
      nameList: [],
      nameInterned: new Uint8Array(64),
      annotations: new Map(annotationList.map((name, i) => [name, i + 1])),
      annotationList,
      blobs: new ByteWriter(1 << 16),
    };
  }

  /** The thread's iid for an event name. */
  name(t: ThreadArgs, name: string): number {
    let iid = t.names.get(name);
    if (iid === undefined) {
      iid = t.nameList.push(name);
      t.names.set(name, iid);
    }
    return iid;
  }

  /** Encodes `args`; returns [offset, length, highest annotation iid used]. */
  encode(t: ThreadArgs, args: unknown): [number, number, number] {
    const from = t.blobs.pos;
    let highest = 0;
    if (args !== null && typeof args === 'object' && !Array.isArray(args)) {
      for (const [key, value] of Object.entries(args as Record<string, unknown>)) {
        let iid = t.annotations.get(key);
        if (iid === undefined) {
          iid = t.annotationList.push(key);
          t.annotations.set(key, iid);
        }
        highest = Math.max(highest, iid);
        annotate(t.blobs, iid, value);
      }
    }
    return [from, t.blobs.pos - from, highest];
  }

  /** The event's name_iid and args into the packet being written. */
  write(seq: Sequence, w: ByteWriter, t: ThreadArgs, nameIid: number, offset: number, length: number, highest: number): void {
    if (nameIid >= t.nameInterned.length) {
      const grown = new Uint8Array(Math.max(nameIid + 1, t.nameInterned.length * 2));
      grown.set(t.nameInterned);
      t.nameInterned = grown;
    }
    if (t.nameInterned[nameIid] === 0) {
      t.nameInterned[nameIid] = 1;
      seq.internName(nameIid, t.nameList[nameIid - 1]);
    }
    seq.nameIid(nameIid);
    if (length === 0) return;
    seq.internAnnotations(highest, t.annotationList);
    w.bytes(t.blobs.buf.subarray(offset, offset + length));
  }
}

function annotate(w: ByteWriter, iid: number, value: unknown): void {
  if (typeof value === 'string') annotateString(w, iid, value);
  else if (typeof value === 'boolean') annotateBool(w, iid, value);
  else if (typeof value === 'number' && Number.isSafeInteger(value)) annotateInt(w, iid, value);
  else if (typeof value === 'number') annotateDouble(w, iid, value);
  else annotateString(w, iid, JSON.stringify(value) ?? String(value));
}
