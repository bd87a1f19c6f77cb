// A minimal protocol-buffers writer: just the wire types the ONNX schema needs (varint, length-delimited, 32-bit).
// A message is a list of byte chunks; nested messages and large payloads (weights) are referenced, not copied,
// until the one final concatenation, so a 500 MB VGG is copied once.

const WIRE_VARINT = 0;
const WIRE_BYTES = 2;
const WIRE_FIXED32 = 5;

const utf8 = new TextEncoder();

/** The varint bytes of a value. */
export function varint(value: number | bigint): Uint8Array {
  // Negative int64 values are written as their two's complement, ten bytes long, as protobuf requires.
  let v = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return Uint8Array.from(out);
}

export class Message {
  private readonly chunks: Uint8Array[] = [];
  private size = 0;

  get byteLength(): number {
    return this.size;
  }

  private push(bytes: Uint8Array): this {
    this.chunks.push(bytes);
    this.size += bytes.byteLength;
    return this;
  }

  private tag(field: number, wire: number): this {
    return this.push(varint(field * 8 + wire));
  }

  /** An int32/int64/enum field (also each element of a non-packed repeated one). */
  int(field: number, value: number | bigint): this {
    return this.tag(field, WIRE_VARINT).push(varint(value));
  }

  /** A packed repeated int64 field. */
  ints(field: number, values: readonly number[]): this {
    const body = values.map(varint);
    return this.tag(field, WIRE_BYTES).push(varint(body.reduce((n, b) => n + b.byteLength, 0))).pushAll(body);
  }

  float(field: number, value: number): this {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    return this.tag(field, WIRE_FIXED32).push(b);
  }

  string(field: number, value: string): this {
    return this.bytes(field, utf8.encode(value));
  }

  /** A bytes field; `value` is referenced until toBytes(). */
  bytes(field: number, value: Uint8Array): this {
    return this.tag(field, WIRE_BYTES).push(varint(value.byteLength)).push(value);
  }

  message(field: number, value: Message): this {
    return this.tag(field, WIRE_BYTES).push(varint(value.size)).pushAll(value.chunks);
  }

  private pushAll(chunks: readonly Uint8Array[]): this {
    for (const c of chunks) this.push(c);
    return this;
  }

  toBytes(): Uint8Array {
    const out = new Uint8Array(this.size);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.byteLength;
    }
    return out;
  }
}
