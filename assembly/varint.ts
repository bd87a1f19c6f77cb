// Protobuf base-128 varints.

/** Bytes of the varint encoding of v. */
// @ts-ignore: decorator
@inline export function varintSize(v: u32): u32 {
  return v < 0x80 ? 1 : v < 0x4000 ? 2 : v < 0x200000 ? 3 : v < 0x10000000 ? 4 : 5;
}

/** Writes v as a varint at p; returns the position after it. */
// @ts-ignore: decorator
@inline export function writeVarint(p: usize, v: u32): usize {
  while (v >= 0x80) {
    store<u8>(p, (v & 0x7f) | 0x80);
    p++;
    v >>>= 7;
  }
  store<u8>(p, v);
  return p + 1;
}

/** Position after the last varint read by readVarint, or 0 on a bad varint. */
export let varintEnd: usize = 0;

/**
 * Reads a varint at p (not past end) as u64. On success sets varintEnd to the next position; on a varint that
 * runs past `end` or over 10 bytes sets varintEnd to 0.
 */
export function readVarint(p: usize, end: usize): u64 {
  let v: u64 = 0;
  let shift: u64 = 0;
  for (let i = 0; i < 10; i++) {
    if (p >= end) break;
    const b = load<u8>(p);
    p++;
    v |= (<u64>(b & 0x7f)) << shift;
    if ((b & 0x80) == 0) {
      varintEnd = p;
      return v;
    }
    shift += 7;
  }
  varintEnd = 0;
  return 0;
}
