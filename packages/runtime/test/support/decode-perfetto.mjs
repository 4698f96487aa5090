// Decodes a .pftrace with protobufjs and the subset .proto written from the documented field
// numbers (fixtures/perfetto-subset.proto): an independent reading of what our encoder wrote.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT } from '../../../../test/support/helpers.mjs';

const protobuf = createRequire(join(ROOT, 'package.json'))('protobufjs');
const root = protobuf.loadSync(join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'perfetto-subset.proto'));
const Trace = root.lookupType('subset.Trace');

/** The trace's packets as plain objects (64-bit integers as strings). */
export function decodePerfetto(path) {
  const message = Trace.decode(readFileSync(path));
  return Trace.toObject(message, { longs: String, defaults: false }).packet ?? [];
}

/**
 * What the packets say, resolved: per sequence, event names by iid (and that every name_iid used
 * was interned before or in its packet), absolute times from the incremental clock, flows.
 */
export function resolvePerfetto(packets) {
  const sequences = new Map();
  const events = [];
  const tracks = new Map();
  for (const p of packets) {
    if (p.trackDescriptor) tracks.set(p.trackDescriptor.uuid, p.trackDescriptor);
    const id = p.trustedPacketSequenceId ?? 0;
    let seq = sequences.get(id);
    if (!seq) sequences.set(id, (seq = { names: new Map(), annotations: new Map(), locations: new Map(), clock: null, ns: 0n, cleared: false, defaults: null }));
    if (p.sequenceFlags & 1) seq.cleared = true;
    if (p.clockSnapshot) {
      for (const c of p.clockSnapshot.clocks) if (c.isIncremental) {
        seq.clock = c.clockId;
        seq.ns = BigInt(c.timestamp);
      }
    }
    if (p.tracePacketDefaults) seq.defaults = p.tracePacketDefaults;
    for (const e of p.internedData?.eventNames ?? []) seq.names.set(e.iid, e.name);
    for (const e of p.internedData?.debugAnnotationNames ?? []) seq.annotations.set(e.iid, e.name);
    for (const e of p.internedData?.sourceLocations ?? []) seq.locations.set(e.iid, { file: e.fileName, line: e.lineNumber });
    if (!p.trackEvent) continue;
    // Perfetto drops a track event with no sequence id; sequence_flags may be left out after the
    // packet that cleared the state (they only make a reader skip packets before it).
    if (p.trustedPacketSequenceId === undefined) throw new Error('track event without trusted_packet_sequence_id');
    if (!seq.cleared) throw new Error(`packet on sequence ${id} before its incremental state was cleared`);
    // On the boot clock (6): an absolute time, outside the sequence's deltas
    const ns = p.timestampClockId === 6 ? BigInt(p.timestamp) : (seq.ns += BigInt(p.timestamp ?? 0));
    const e = p.trackEvent;
    const name = e.nameIid !== undefined ? seq.names.get(e.nameIid) : e.name;
    if (e.nameIid !== undefined && name === undefined) throw new Error(`name_iid ${e.nameIid} not interned on sequence ${id}`);
    const args = Object.fromEntries((e.debugAnnotations ?? []).map((a) => [a.name ?? seq.annotations.get(a.nameIid), a.stringValue ?? a.uintValue ?? a.intValue ?? a.boolValue ?? a.doubleValue]));
    const location = e.sourceLocationIid !== undefined ? seq.locations.get(e.sourceLocationIid) : undefined;
    if (e.sourceLocationIid !== undefined && location === undefined) throw new Error(`source_location_iid ${e.sourceLocationIid} not interned on sequence ${id}`);
    events.push({ seq: id, type: e.type, ns, name, args, location, track: e.trackUuid ?? seq.defaults?.trackEventDefaults?.trackUuid, flows: e.flowIds ?? [], ends: e.terminatingFlowIds ?? [] });
  }
  return { sequences, events, tracks };
}
