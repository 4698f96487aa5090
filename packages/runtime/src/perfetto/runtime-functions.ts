// The recorder's functions as a .pftrace writes them: per function, its track event fields
// (name_iid and the file, line and col annotations) and a plain call's whole SLICE_BEGIN packet
// but its timestamp, each encoded once and copied into every slice of the function.
import type { FunctionTable } from '../function-table';
import type { SliceLocations } from '../slices';
import { ByteWriter, message, utf8 } from './bytes';
import { Ann, EventType } from './writer';

/** Names and locations of a thread's functions as written, encoded once per function. */
export class RuntimeFunctions {
  /** Per function id: name_iid (the id) and the file, line and col annotations. */
  private readonly fields: Array<Uint8Array | undefined> = [];
  /**
   * Per function id: the rest of a plain slice's begin packet but its timestamp:
   * track_event { type: SLICE_BEGIN, <fields> } and trusted_packet_sequence_id.
   */
  private readonly packets: Array<Uint8Array | undefined> = [];

  constructor(private readonly functions: FunctionTable, private readonly sequenceId: number, private readonly locations: SliceLocations = 'args') {}

  /** The function's track event fields, or undefined before its first use (then call `first`). */
  eventFields(id: number): Uint8Array | undefined {
    return this.fields[id];
  }

  beginPacket(id: number): Uint8Array {
    return this.packets[id]!;
  }

  first(id: number): Uint8Array {
    const f = this.functions;
    const fields = message((w) => {
      w.varintField(10, id);
      if (this.locations === 'interned') w.varintField(34, id); // source_location_iid, interned with the name
      if (this.locations !== 'args') return;
      const file = w.open(4);
      w.varintField(1, Ann.File);
      w.stringField(6, f.files[id]);
      w.close(file);
      const line = w.open(4);
      w.varintField(1, Ann.Line);
      w.varintField(3, f.lines[id]);
      w.close(line);
      const col = w.open(4);
      w.varintField(1, Ann.Col);
      w.varintField(3, f.cols[id]);
      w.close(col);
    });
    this.packets[id] = message((w) => {
      const event = w.open(11);
      w.varintField(9, EventType.Begin);
      w.bytes(fields);
      w.close(event);
      w.varintField(10, this.sequenceId);
    });
    return (this.fields[id] = fields);
  }

  /** interned_data { event_names { iid, name } (and its source_locations entry) } for the function's first use. */
  interned(w: ByteWriter, id: number): void {
    const data = w.open(12);
    const entry = w.open(2);
    w.varintField(1, id);
    w.lenField(2, utf8(this.functions.names[id]));
    w.close(entry);
    if (this.locations === 'interned') {
      // SourceLocation { iid, file_name, line_number }: Perfetto has no column
      const location = w.open(4);
      w.varintField(1, id);
      w.lenField(2, utf8(this.functions.files[id]));
      w.varintField(4, this.functions.lines[id]);
      w.close(location);
    }
    w.close(data);
  }
}

