// CRC32C (Castagnoli), slicing-by-16: 16 tables of 256 entries let the loop fold 16 bytes per step with
// independent table loads, about 8× faster than the byte-wise loop. The tables are built once, lazily.
import { CRC32C_POLY, TFRECORD_MASK_DELTA } from "../src/core/constants";

const TABLES: usize = memory.data(16 * 256 * 4, 64);
let built = false;

function build(): void {
  for (let i: u32 = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ CRC32C_POLY : c >>> 1;
    store<u32>(TABLES + (i << 2), c);
  }
  for (let t: u32 = 1; t < 16; t++) {
    for (let i: u32 = 0; i < 256; i++) {
      const prev = load<u32>(TABLES + (((t - 1) << 8) + i) * 4);
      store<u32>(TABLES + ((t << 8) + i) * 4, (prev >>> 8) ^ load<u32>(TABLES + ((prev & 0xff) << 2)));
    }
  }
  built = true;
}

// @ts-ignore: decorator
@inline function tab(t: u32, b: u32): u32 {
  return load<u32>(TABLES + ((t << 8) + b) * 4);
}

/** Continues a CRC32C (`crc` = the previous result, 0 to start) over len bytes at ptr. */
export function crc32cUpdate(crc: u32, ptr: usize, len: usize): u32 {
  if (!built) build();
  let c = ~crc;
  while (len >= 16) {
    const a = load<u32>(ptr) ^ c;
    const b = load<u32>(ptr, 4);
    const d = load<u32>(ptr, 8);
    const e = load<u32>(ptr, 12);
    c = tab(15, a & 0xff) ^ tab(14, (a >>> 8) & 0xff) ^ tab(13, (a >>> 16) & 0xff) ^ tab(12, a >>> 24) ^
        tab(11, b & 0xff) ^ tab(10, (b >>> 8) & 0xff) ^ tab(9, (b >>> 16) & 0xff) ^ tab(8, b >>> 24) ^
        tab(7, d & 0xff) ^ tab(6, (d >>> 8) & 0xff) ^ tab(5, (d >>> 16) & 0xff) ^ tab(4, d >>> 24) ^
        tab(3, e & 0xff) ^ tab(2, (e >>> 8) & 0xff) ^ tab(1, (e >>> 16) & 0xff) ^ tab(0, e >>> 24);
    ptr += 16;
    len -= 16;
  }
  while (len > 0) {
    c = tab(0, (c ^ load<u8>(ptr)) & 0xff) ^ (c >>> 8);
    ptr++;
    len--;
  }
  return ~c;
}

/** The TFRecord mask of a CRC: rotate right by 15, add a constant. */
export function maskCrc(crc: u32): u32 {
  return ((crc >>> 15) | (crc << 17)) + TFRECORD_MASK_DELTA;
}
