// Decoding: TFRecord frames, any tf.train.Example (a generic walk into the feature table), and BigEarthNet-19
// records straight into the arena regions. Every malformed input ends in a status code, never a trap.
import {
  CLASS_COUNT_19, IO_BYTES, MAX_FEATURES, MAX_LABEL_BYTES, MAX_LABELS, MAX_NAME_BYTES, MM_HAS_NAME_S1,
  MM_HAS_REFERENCE_MAP, MM_HAS_VH, MM_HAS_VV, S1_PIXELS, STATUS_BAD_DATA_CRC,
  STATUS_BAD_FEATURE, STATUS_BAD_LENGTH_CRC, STATUS_BAD_VALUE, STATUS_BAD_VARINT, STATUS_BAD_WIRE_TYPE,
  STATUS_MISSING_FEATURE, STATUS_OK, STATUS_TOO_LARGE, STATUS_TOO_MANY, STATUS_TRUNCATED, TFRECORD_FOOTER_BYTES,
  TFRECORD_HEADER_BYTES,
} from "../src/core/constants";
import { BANDS, COUNTS, IO, LABEL_LENS, LABELS, MULTI_HOT, NAME, TABLE } from "./arena";
import { crc32cUpdate, maskCrc } from "./crc32c";
import {
  bandPixels, bandStart, FEATURE_COUNT, F_LABELS, F_MULTI_HOT, F_NAME, F_NAME_S1, F_NAME_S2, F_REFERENCE_MAP,
  F_VH, F_VV, keyIndex,
} from "./keys";
import { clearMm, markMm, MM_COUNTS, NAME_S1, REFERENCE_MAP, s1Band } from "./mm";
import { readVarint, varintEnd } from "./varint";

// A tiny cursor over [pos, end): fields are read with next(), failures leave a status in `err`.
let pos: usize = 0;
let err: i32 = STATUS_OK;
let fieldNo: u32 = 0;
let wire: u32 = 0;
/** Start and end of the body of the last length-delimited field read. */
let bodyStart: usize = 0;
let bodyEnd: usize = 0;
/** The value of the last wire-type-0 field read. */
let lastValue: u64 = 0;

function varint(end: usize): u64 {
  const v = readVarint(pos, end);
  if (varintEnd == 0) {
    err = STATUS_BAD_VARINT;
    return 0;
  }
  pos = varintEnd;
  return v;
}

/** Reads the next field header at pos; for wire type 2 also its body bounds; skips other wire types' values. */
function next(end: usize): bool {
  const tag = varint(end);
  if (err != STATUS_OK) return false;
  fieldNo = <u32>(tag >> 3);
  wire = <u32>(tag & 7);
  if (wire == 0) {
    lastValue = varint(end);
  } else if (wire == 1 || wire == 5) {
    const n: usize = wire == 1 ? 8 : 4;
    if (end - pos < n) {
      err = STATUS_TRUNCATED;
      return false;
    }
    bodyStart = pos;
    pos += n;
  } else if (wire == 2) {
    const len = varint(end);
    if (err != STATUS_OK) return false;
    if (len > <u64>(end - pos)) {
      err = STATUS_TRUNCATED;
      return false;
    }
    bodyStart = pos;
    bodyEnd = pos + <usize>len;
    pos = bodyEnd;
  } else {
    err = STATUS_BAD_WIRE_TYPE;
  }
  return err == STATUS_OK;
}

/** Checks the framed record of `len` bytes in the I/O window; returns the status. */
export function checkFrame(len: u32): i32 {
  if (len < <u32>(TFRECORD_HEADER_BYTES + TFRECORD_FOOTER_BYTES) || len > <u32>IO_BYTES) return STATUS_TOO_LARGE;
  if (load<u32>(IO + 8) != maskCrc(crc32cUpdate(0, IO, 8))) return STATUS_BAD_LENGTH_CRC;
  const n = load<u64>(IO);
  if (n != <u64>(len - TFRECORD_HEADER_BYTES - TFRECORD_FOOTER_BYTES)) return STATUS_TRUNCATED;
  const d = <u32>n;
  const crc = maskCrc(crc32cUpdate(0, IO + TFRECORD_HEADER_BYTES, d));
  if (load<u32>(IO + TFRECORD_HEADER_BYTES + d) != crc) return STATUS_BAD_DATA_CRC;
  return STATUS_OK;
}

/**
 * Walks the Example of `len` bytes at the start of the I/O window. For each map entry it writes one table row
 * (6 × u32, offsets relative to the I/O window): key offset, key length, kind (0 none, 1 bytes, 2 float, 3 int64),
 * list body offset, list body length, value count. COUNTS[2] = the number of rows. Returns the status.
 */
export function decodeFeatures(len: u32): i32 {
  if (len > <u32>IO_BYTES) return STATUS_TOO_LARGE;
  err = STATUS_OK;
  let rows: u32 = 0;
  pos = IO;
  const end = IO + len;
  while (pos < end) {
    if (!next(end)) return err;
    if (fieldNo != 1 || wire != 2) continue;
    const fEnd = bodyEnd;
    pos = bodyStart;
    while (pos < fEnd) {
      if (!next(fEnd)) return err;
      if (fieldNo != 1 || wire != 2) continue;
      if (rows >= <u32>MAX_FEATURES) return STATUS_TOO_MANY;
      const after = pos;
      const eEnd = bodyEnd;
      pos = bodyStart;
      let keyOff: usize = 0, keyLen: u32 = 0, kind: u32 = 0, lOff: usize = 0, lLen: u32 = 0, count: u32 = 0;
      while (pos < eEnd) {
        if (!next(eEnd)) return err;
        if (wire != 2) continue;
        if (fieldNo == 1) {
          keyOff = bodyStart - IO;
          keyLen = <u32>(bodyEnd - bodyStart);
        } else if (fieldNo == 2) {
          const vAfter = pos;
          const vEnd = bodyEnd;
          pos = bodyStart;
          while (pos < vEnd) {
            if (!next(vEnd)) return err;
            if (wire != 2 || fieldNo < 1 || fieldNo > 3) continue;
            kind = fieldNo;
            lOff = bodyStart - IO;
            lLen = <u32>(bodyEnd - bodyStart);
            count = countValues(kind, bodyStart, bodyEnd);
            if (err != STATUS_OK) return err;
          }
          pos = vAfter;
        }
      }
      const row = TABLE + <usize>rows * 24;
      store<u32>(row, <u32>keyOff);
      store<u32>(row, keyLen, 4);
      store<u32>(row, kind, 8);
      store<u32>(row, <u32>lOff, 12);
      store<u32>(row, lLen, 16);
      store<u32>(row, count, 20);
      rows++;
      pos = after;
    }
    pos = fEnd;
  }
  store<u32>(COUNTS + 8, rows);
  return STATUS_OK;
}

/** Number of values in a BytesList / FloatList / Int64List body (packed or not). */
function countValues(kind: u32, start: usize, end: usize): u32 {
  const saved = pos;
  pos = start;
  let n: u32 = 0;
  while (pos < end) {
    if (!next(end)) break;
    if (fieldNo != 1) continue;
    if (kind == 1 || wire != 2) {
      n++;
    } else if (kind == 2) {
      n += <u32>(bodyEnd - bodyStart) >> 2;
    } else {
      n += terminators(bodyStart, bodyEnd);
    }
  }
  pos = saved;
  return n;
}

/**
 * Varints in [start, end): the bytes without the continuation bit, 16 at a time with SIMD (a band's ~160 KB of
 * packed values made this count as costly as decoding them byte by byte).
 */
function terminators(start: usize, end: usize): u32 {
  let n: u32 = 0;
  let q = start;
  while (end - q >= 16) {
    n += 16 - <u32>popcnt(i8x16.bitmask(v128.load(q)));
    q += 16;
  }
  for (; q < end; q++) n += <u32>((load<u8>(q) & 0x80) == 0);
  return n;
}

// Destination of int64Values: u16 slots (bands) or u8 slots (multi-hot), at most `max` values up to `limit`.
let outPtr: usize = 0;
let outCount: u32 = 0;
let outMax: u32 = 0;
let outLimit: u64 = 0;
let outWide: bool = false;

function put(v: u64): bool {
  if (v > outLimit) {
    err = STATUS_BAD_VALUE;
    return false;
  }
  if (outCount >= outMax) {
    err = STATUS_BAD_FEATURE;
    return false;
  }
  if (outWide) store<u16>(outPtr + (<usize>outCount << 1), <u16>v);
  else store<u8>(outPtr + outCount, <u8>v);
  outCount++;
  return true;
}

/**
 * The hot loop of decoding a band: packed varints of at most 3 bytes (every uint16 value canonically encoded),
 * read with locals only. Stops at the first value it does not handle itself — a longer (non-canonical) varint, a
 * truncated one, a value over the limit, one value too many — and returns its position, so that the generic loop
 * decides that value with the generic rules and messages; returns `end` when it decoded everything.
 */
function packedU16(start: usize, end: usize): usize {
  let p = start;
  let n = outCount;
  const max = outMax;
  const limit = <u32>Math.min(<f64>outLimit, 0xffffffff);
  const lo7 = i16x8.splat(0x7f);
  const hi7 = i16x8.splat(0x3f80);
  while (p < end) {
    // Most band values (128 … 16383) are 2-byte varints: when the next 16 bytes are eight of them (continuation
    // bits exactly on the even bytes) and there is room for eight values, decode them in one SIMD step. Each
    // 16-bit lane is lo | hi << 8, the value (lo & 0x7f) | hi << 7, below any limit ≥ 2¹⁴ − 1: the same values
    // the scalar loop below gives, which takes every other case one value at a time.
    if (end - p >= 16 && max - n >= 8 && limit >= 0x3fff) {
      const v = v128.load(p);
      if (i8x16.bitmask(v) == 0x5555) {
        v128.store(outPtr + (<usize>n << 1), v128.or(v128.and(v, lo7), v128.and(i16x8.shr_u(v, 1), hi7)));
        n += 8;
        p += 16;
        continue;
      }
    }
    let b = <u32>load<u8>(p);
    let v = b & 0x7f;
    let q = p + 1;
    if (b & 0x80) {
      if (q >= end) break;
      b = <u32>load<u8>(q++);
      v |= (b & 0x7f) << 7;
      if (b & 0x80) {
        if (q >= end) break;
        b = <u32>load<u8>(q++);
        if (b & 0x80) break;
        v |= b << 14;
      }
    }
    if (v > limit || n >= max) break;
    store<u16>(outPtr + (<usize>n << 1), <u16>v);
    n++;
    p = q;
  }
  outCount = n;
  return p;
}

/** Decodes the int64 values (packed or not) of an Int64List body; returns the count or -1 (status in err). */
function int64Values(start: usize, end: usize, dst: usize, max: u32, limit: u64, wide: bool): i32 {
  outPtr = dst;
  outCount = 0;
  outMax = max;
  outLimit = limit;
  outWide = wide;
  pos = start;
  while (pos < end) {
    if (!next(end)) return -1;
    if (fieldNo != 1) continue;
    if (wire == 0) {
      if (!put(lastValue)) return -1;
    } else if (wire == 2) {
      const saved = pos;
      const e = bodyEnd;
      pos = wide ? packedU16(bodyStart, e) : bodyStart;
      while (pos < e) {
        const v = varint(e);
        if (err != STATUS_OK || !put(v)) return -1;
      }
      pos = saved;
    } else {
      err = STATUS_BAD_FEATURE;
      return -1;
    }
  }
  return <i32>outCount;
}

/** Copies the float32 values of a FloatList body (packed or not) to dst; returns the count or -1 (status in err). */
function floatValues(start: usize, end: usize, dst: usize, max: u32): i32 {
  let n: u32 = 0;
  pos = start;
  while (pos < end) {
    if (!next(end)) return -1;
    if (fieldNo != 1) continue;
    const bytes: u32 = wire == 5 ? 4 : wire == 2 ? <u32>(bodyEnd - bodyStart) : 1;
    if ((wire != 5 && wire != 2) || (bytes & 3) != 0 || n + (bytes >> 2) > max) {
      err = STATUS_BAD_FEATURE;
      return -1;
    }
    memory.copy(dst + (<usize>n << 2), bodyStart, bytes);
    n += bytes >> 2;
  }
  return <i32>n;
}

/**
 * Decodes an optional MM feature (F_VV … F_REFERENCE_MAP) of `kind` with list body [start, end) into its region
 * and sets its flag; patch_name_s2 goes to NAME as the record's name. Returns the status.
 */
function decodeMmFeature(k: i32, kind: u32, start: usize, end: usize): i32 {
  if (k == F_NAME_S1 || k == F_NAME_S2) {
    if (kind != 1) return STATUS_BAD_FEATURE;
    if (k == F_NAME_S2) return bytesValues(start, end, NAME, 0, 1, MAX_NAME_BYTES, 0);
    const status = bytesValues(start, end, NAME_S1, 0, 1, MAX_NAME_BYTES, 2);
    if (status == STATUS_OK) markMm(MM_HAS_NAME_S1);
    return status;
  }
  let n: i32;
  if (k == F_REFERENCE_MAP) {
    if (kind != 3) return STATUS_BAD_FEATURE;
    n = int64Values(start, end, REFERENCE_MAP, S1_PIXELS, 0xffff, true);
  } else {
    if (kind != 2) return STATUS_BAD_FEATURE;
    n = floatValues(start, end, s1Band(k == F_VV ? 0 : 1), S1_PIXELS);
  }
  if (n < 0) return err;
  if (n != S1_PIXELS) return STATUS_BAD_FEATURE;
  markMm(k == F_VV ? MM_HAS_VV : k == F_VH ? MM_HAS_VH : MM_HAS_REFERENCE_MAP);
  return STATUS_OK;
}

/**
 * Decodes the BigEarthNet-19 Example of `len` bytes at the start of the I/O window into BANDS, MULTI_HOT, NAME
 * (COUNTS[0] = name bytes) and LABELS/LABEL_LENS (COUNTS[1] = label count). COUNTS[3] = the feature index a
 * non-ok status refers to (sorted key order, then the MM keys of keys.ts). An MM record's VV/VH, reference map and
 * S1 name go to the regions of mm.ts (flags in MM_COUNTS), and its patch_name_s2 stands in for patch_name.
 * Returns the status.
 */
export function decodePatch(len: u32): i32 {
  store<u32>(COUNTS + 12, 0);
  clearMm();
  let status = decodeFeatures(len);
  if (status != STATUS_OK) return status;
  const rows = load<u32>(COUNTS + 8);
  let seen: u32 = 0;
  for (let r: u32 = 0; r < rows; r++) {
    const row = TABLE + <usize>r * 24;
    const k = keyIndex(IO + load<u32>(row), load<u32>(row, 4));
    if (k < 0) continue;
    store<u32>(COUNTS + 12, <u32>k);
    const kind = load<u32>(row, 8);
    const start = IO + load<u32>(row, 12);
    const end = start + load<u32>(row, 16);
    err = STATUS_OK;
    if (k > F_NAME) {
      status = decodeMmFeature(k, kind, start, end);
      if (status != STATUS_OK) return status;
      if (k == F_NAME_S2) seen |= 1 << F_NAME;
      continue;
    }
    if (k < 12 || k == F_MULTI_HOT) {
      if (kind != 3) return STATUS_BAD_FEATURE;
      const want = k < 12 ? bandPixels(k) : <u32>CLASS_COUNT_19;
      const n = k < 12
        ? int64Values(start, end, BANDS + (<usize>bandStart(k) << 1), want, 0xffff, true)
        : int64Values(start, end, MULTI_HOT, want, 1, false);
      if (n < 0) return err;
      if (<u32>n != want) return STATUS_BAD_FEATURE;
    } else {
      if (kind != 1) return STATUS_BAD_FEATURE;
      status = k == F_LABELS ? bytesValues(start, end, LABELS, LABEL_LENS, MAX_LABELS, MAX_LABEL_BYTES, 1)
        : bytesValues(start, end, NAME, 0, 1, MAX_NAME_BYTES, 0);
      if (status != STATUS_OK) return status;
    }
    seen |= 1 << k;
  }
  for (let k = 0; k < FEATURE_COUNT; k++) {
    if ((seen & (1 << k)) == 0) {
      store<u32>(COUNTS + 12, <u32>k);
      return STATUS_MISSING_FEATURE;
    }
  }
  return STATUS_OK;
}

/**
 * Copies the values of a BytesList body; with lens = 0 exactly one value (a name) is expected, its length going to
 * COUNTS[0] (or MM_COUNTS[1] with countSlot 2); countSlot 1 stores the count of a list in COUNTS[1].
 */
function bytesValues(start: usize, end: usize, dst: usize, lens: usize,
  maxCount: i32, maxBytes: i32, countSlot: i32): i32 {
  pos = start;
  let count: i32 = 0;
  let bytes: i32 = 0;
  while (pos < end) {
    if (!next(end)) return err;
    if (fieldNo != 1) continue;
    if (wire != 2) return STATUS_BAD_FEATURE;
    const n = <i32>(bodyEnd - bodyStart);
    if (count >= maxCount || bytes + n > maxBytes) return lens == 0 ? STATUS_BAD_FEATURE : STATUS_TOO_MANY;
    memory.copy(dst + bytes, bodyStart, n);
    if (lens != 0) store<u32>(lens + (<usize>count << 2), n);
    else if (countSlot == 2) store<u32>(MM_COUNTS + 4, n);
    else store<u32>(COUNTS, n);
    bytes += n;
    count++;
  }
  if (lens == 0 && count != 1) return STATUS_BAD_FEATURE;
  if (countSlot == 1) store<u32>(COUNTS + 4, count);
  return STATUS_OK;
}
