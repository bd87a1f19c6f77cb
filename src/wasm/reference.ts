// Slow, obviously correct TypeScript twins of the WASM kernels, for tests: the bitwise CRC32C of the definition
// and the TFRecord mask, written straight from ../shared/bigearthnet/FACTS.md.
import { CRC32C_POLY, TFRECORD_MASK_DELTA } from "../core/constants.js";

/** CRC32C one bit at a time (reflected polynomial 0x82F63B78), continuing from `seed`. */
export function crc32cBitwise(data: Uint8Array, seed = 0): number {
  let c = ~seed >>> 0;
  for (const byte of data) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ CRC32C_POLY : c >>> 1;
  }
  return ~c >>> 0;
}

/** masked(c) = ((c >>> 15) | (c << 17)) + 0xa282ead8 mod 2^32. */
export function maskReference(c: number): number {
  return (((c >>> 15) | (c << 17)) + TFRECORD_MASK_DELTA) >>> 0;
}
