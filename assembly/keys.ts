// The features of a BigEarthNet-19 record in bytewise-sorted key order, which is the order protobuf's
// deterministic serialization writes map entries in (B8A sorts after B12; the labels before patch_name).
import {
  KEY_PATCH_NAME_S1, KEY_PATCH_NAME_S2, KEY_REFERENCE_MAP, KEY_VH, KEY_VV, PATCH_PIXELS,
} from "../src/core/constants";

/** Number of features in a record: 12 bands, labels, multi-hot, patch name. */
export const FEATURE_COUNT: i32 = 15;
export const F_LABELS: i32 = 12;
export const F_MULTI_HOT: i32 = 13;
export const F_NAME: i32 = 14;
// The optional features of multi-modal (MM) records, after the 15 above (their order here is not the sorted one:
// the decoder looks keys up, only the encoder needs sorted order, and it writes S2 records only).
export const F_VV: i32 = 15;
export const F_VH: i32 = 16;
export const F_NAME_S1: i32 = 17;
/** An MM record's S2 patch name, which stands in for patch_name. */
export const F_NAME_S2: i32 = 18;
export const F_REFERENCE_MAP: i32 = 19;
/** All keys the decoder knows. */
export const KNOWN_FEATURES: i32 = 20;

/** The band keys in sorted order, 3 ASCII bytes each. */
const BAND_KEYS = "B01B02B03B04B05B06B07B08B09B11B12B8A";

/** For sorted band position k, the band's index in archive order (B01 … B8A B09 B11 B12). */
const ARCHIVE_INDEX: usize = memory.data<u32>([0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 8]);
/** Offset (in pixels) of each band in the BANDS region, archive order, and one past the end. */
const BAND_START: usize = memory.data<u32>([
  0, 400, 14800, 29200, 43600, 47200, 50800, 54400, 68800, 72400, 72800, 76400, PATCH_PIXELS,
]);

const KEY_LABELS = "BigEarthNet-19_labels";
const KEY_MULTI_HOT = "BigEarthNet-19_labels_multi_hot";
const KEY_NAME = "patch_name";

// Keys are read byte by byte from static string literals: nothing is allocated (the stub runtime never frees).

/** Byte length of the key of feature k. */
export function keyLength(k: i32): i32 {
  if (k < 12) return 3;
  if (k == F_LABELS) return KEY_LABELS.length;
  if (k == F_MULTI_HOT) return KEY_MULTI_HOT.length;
  if (k == F_NAME) return KEY_NAME.length;
  return mmKey(k).length;
}

/** Byte i of the key of feature k. */
export function keyByte(k: i32, i: i32): u32 {
  if (k < 12) return BAND_KEYS.charCodeAt(k * 3 + i);
  if (k == F_LABELS) return KEY_LABELS.charCodeAt(i);
  if (k == F_MULTI_HOT) return KEY_MULTI_HOT.charCodeAt(i);
  if (k == F_NAME) return KEY_NAME.charCodeAt(i);
  return mmKey(k).charCodeAt(i);
}

function mmKey(k: i32): string {
  if (k == F_VV) return KEY_VV;
  if (k == F_VH) return KEY_VH;
  if (k == F_NAME_S1) return KEY_PATCH_NAME_S1;
  if (k == F_NAME_S2) return KEY_PATCH_NAME_S2;
  return KEY_REFERENCE_MAP;
}

/** First pixel (in pixels, not bytes) of the band of sorted feature k in the BANDS region. */
export function bandStart(k: i32): u32 {
  return load<u32>(BAND_START + (<usize>load<u32>(ARCHIVE_INDEX + (<usize>k << 2)) << 2));
}

/** Pixels of the band of sorted feature k. */
export function bandPixels(k: i32): u32 {
  const a = <usize>load<u32>(ARCHIVE_INDEX + (<usize>k << 2));
  return load<u32>(BAND_START + ((a + 1) << 2)) - load<u32>(BAND_START + (a << 2));
}

/** Writes the key of feature k at p; returns the position after it. */
export function writeKey(p: usize, k: i32): usize {
  const n = keyLength(k);
  for (let i = 0; i < n; i++) store<u8>(p + i, <u8>keyByte(k, i));
  return p + n;
}

/** Index of the feature whose key is the len bytes at p, or -1. */
export function keyIndex(p: usize, len: u32): i32 {
  for (let k = 0; k < KNOWN_FEATURES; k++) {
    const n = keyLength(k);
    if (<u32>n != len) continue;
    let i = 0;
    while (i < n && <u32>load<u8>(p + i) == keyByte(k, i)) i++;
    if (i == n) return k;
  }
  return -1;
}
