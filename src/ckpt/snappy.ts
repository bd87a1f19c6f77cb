// Snappy block decompression (the raw format, not the framing format): LevelDB tables, and so TensorFlow's
// checkpoint index, may hold snappy-compressed blocks. Format: a varint uncompressed length, then elements
// tagged by their low two bits: 00 literal, 01 copy with 1-byte offset, 10 copy with 2-byte offset, 11 copy with
// 4-byte offset (github.com/google/snappy, format_description.txt).

import { readU32 } from "./proto.js";

export class SnappyError extends Error {}

function varint(src: Uint8Array): { value: number; at: number } {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 5 && i < src.length; i++) {
    const b = src[i] as number;
    value += (b & 0x7f) * scale;
    if (b < 0x80) return { value, at: i + 1 };
    scale *= 128;
  }
  throw new SnappyError("bad uncompressed-length varint");
}

/** The uncompressed bytes of one snappy block; corrupt input is a SnappyError, never an out-of-bounds read. */
export function snappyDecompress(src: Uint8Array, maxLength = 1 << 30): Uint8Array {
  const head = varint(src);
  if (head.value > maxLength) throw new SnappyError(`uncompressed length ${head.value} exceeds ${maxLength}`);
  const out = new Uint8Array(head.value);
  let ip = head.at;
  let op = 0;
  const need = (n: number): void => {
    if (ip + n > src.length) throw new SnappyError("truncated element");
  };
  while (ip < src.length) {
    const tag = src[ip++] as number;
    const kind = tag & 3;
    if (kind === 0) {
      let len = (tag >>> 2) + 1;
      if (len > 60) {
        const extra = len - 60;
        need(extra);
        len = 0;
        for (let i = 0; i < extra; i++) len += (src[ip + i] as number) * 2 ** (8 * i);
        len += 1;
        ip += extra;
      }
      need(len);
      if (op + len > out.length) throw new SnappyError("literal runs past the uncompressed length");
      out.set(src.subarray(ip, ip + len), op);
      ip += len;
      op += len;
      continue;
    }
    let len: number;
    let offset: number;
    if (kind === 1) {
      need(1);
      len = ((tag >>> 2) & 7) + 4;
      offset = ((tag >>> 5) << 8) | (src[ip++] as number);
    } else if (kind === 2) {
      need(2);
      len = (tag >>> 2) + 1;
      offset = (src[ip] as number) | ((src[ip + 1] as number) << 8);
      ip += 2;
    } else {
      need(4);
      len = (tag >>> 2) + 1;
      offset = readU32(src, ip);
      ip += 4;
    }
    if (offset === 0 || offset > op) throw new SnappyError(`copy offset ${offset} outside the ${op} bytes written`);
    if (op + len > out.length) throw new SnappyError("copy runs past the uncompressed length");
    // Byte by byte: a copy may overlap its own output (offset < len repeats a pattern).
    for (let i = 0; i < len; i++, op++) out[op] = out[op - offset] as number;
  }
  if (op !== out.length) throw new SnappyError(`decompressed ${op} bytes, expected ${out.length}`);
  return out;
}
