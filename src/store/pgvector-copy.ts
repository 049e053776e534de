/**
 * PostgreSQL's binary COPY format for the context index's load table (id text, embedding vector, metadata jsonb,
 * content text). Binary, because parsing vector text ("[0.0123,...]", 384 numbers a row) is what limits a bulk
 * insert on PGlite (WebAssembly): ~900 rows/s as text, over 10,000 rows/s as binary.
 *
 * Format: https://www.postgresql.org/docs/current/sql-copy.html (binary format); a vector is pgvector's
 * vector_send layout (int16 dimensions, int16 unused, float4 values, all big-endian); jsonb is a version byte (1)
 * followed by the JSON text. Non-finite numbers become 0, as in the text path (pgvector refuses NaN/Infinity).
 */
export interface CopyRow {
  id: string;
  values: Float32Array;
  metadataJson: string;
  text: string | null;
}

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'binary');

export function encodeContextCopy(rows: CopyRow[]): Uint8Array {
  let size = SIGNATURE.length + 8 + 2;
  const enc = rows.map((r) => {
    const id = Buffer.from(r.id, 'utf8');
    const md = Buffer.from(r.metadataJson, 'utf8');
    const text = r.text === null ? null : Buffer.from(r.text, 'utf8');
    size += 2 + (4 + id.length) + (4 + 4 + 4 * r.values.length) + (4 + 1 + md.length) + 4 + (text?.length ?? 0);
    return { id, md, text, values: r.values };
  });
  const b = Buffer.alloc(size);
  let o = SIGNATURE.copy(b, 0);
  o = b.writeInt32BE(0, o); // flags
  o = b.writeInt32BE(0, o); // header extension length
  for (const r of enc) {
    o = b.writeInt16BE(4, o);
    o = b.writeInt32BE(r.id.length, o);
    o += r.id.copy(b, o);
    o = b.writeInt32BE(4 + 4 * r.values.length, o);
    o = b.writeInt16BE(r.values.length, o);
    o = b.writeInt16BE(0, o);
    for (let i = 0; i < r.values.length; i++) {
      const x = r.values[i]!;
      o = b.writeFloatBE(Number.isFinite(x) ? x : 0, o);
    }
    o = b.writeInt32BE(1 + r.md.length, o);
    o = b.writeUInt8(1, o);
    o += r.md.copy(b, o);
    if (r.text === null) o = b.writeInt32BE(-1, o);
    else {
      o = b.writeInt32BE(r.text.length, o);
      o += r.text.copy(b, o);
    }
  }
  b.writeInt16BE(-1, o);
  return b;
}
