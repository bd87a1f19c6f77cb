// A minimal protobuf wire-format reader: the checkpoint index holds two small messages (BundleHeaderProto,
// BundleEntryProto) and a generated decoder would be a dependency for ~40 lines. Integers are read as JS numbers,
// exact below 2^53 (offsets and sizes of any file this reader can open).

/** Thrown for truncated or malformed protobuf bytes; the caller names the file and key. */
export class ProtoError extends Error {}

/** The little-endian uint32 at `at`. */
export const readU32 = (b: Uint8Array, at: number): number =>
  ((b[at] as number) | ((b[at + 1] as number) << 8) | ((b[at + 2] as number) << 16)
    | ((b[at + 3] as number) << 24)) >>> 0;

export type Field =
  | { no: number; wire: 0; value: number }
  | { no: number; wire: 1; value: Uint8Array }
  | { no: number; wire: 2; value: Uint8Array }
  | { no: number; wire: 5; value: number };

export class ProtoReader {
  pos = 0;
  constructor(readonly buf: Uint8Array, readonly end: number = buf.length) {}

  get done(): boolean {
    return this.pos >= this.end;
  }

  /** A base-128 varint (up to 64 bits, returned as a number; negative int32s come back as 2^64 - n). */
  varint(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new ProtoError("truncated varint");
      const b = this.buf[this.pos++] as number;
      result += (b & 0x7f) * scale;
      if (b < 0x80) return result;
      scale *= 128;
    }
    throw new ProtoError("varint longer than 10 bytes");
  }

  bytes(n: number): Uint8Array {
    if (n < 0 || this.pos + n > this.end) throw new ProtoError(`field of ${n} bytes runs past the end`);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  field(): Field {
    const key = this.varint();
    const no = Math.floor(key / 8);
    const wire = key % 8;
    switch (wire) {
      case 0: return { no, wire, value: this.varint() };
      case 1: return { no, wire, value: this.bytes(8) };
      case 2: return { no, wire, value: this.bytes(this.varint()) };
      case 5: {
        const b = this.bytes(4);
        return { no, wire, value: readU32(b, 0) };
      }
      default: throw new ProtoError(`unsupported wire type ${wire} (field ${no})`);
    }
  }

  /** Every field of the message, in order. */
  static fields(buf: Uint8Array): Field[] {
    const r = new ProtoReader(buf);
    const out: Field[] = [];
    while (!r.done) out.push(r.field());
    return out;
  }
}

/** Varint-encodes `n` (a non-negative integer below 2^53) onto `out`. */
export function pushVarint(out: number[], n: number): void {
  let v = n;
  while (v >= 0x80) {
    out.push((v % 128) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
}
