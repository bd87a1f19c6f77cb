// Encoding a BigEarthNet-19 tf.train.Example straight into a framed TFRecord record in the I/O window.
// One pass: protobuf prefixes every message with its length, so each band's payload is written first and its head
// after it (writeBandEntry), and the Features length, always a 3-byte varint, last.
import {
  CLASS_COUNT_19, MAX_LABEL_BYTES, MAX_LABELS, MAX_NAME_BYTES, STATUS_BAD_VALUE, STATUS_TOO_LARGE,
  TFRECORD_FOOTER_BYTES, TFRECORD_HEADER_BYTES,
} from "../src/core/constants";
import { BANDS, IO, LABEL_LENS, LABELS, MULTI_HOT, NAME } from "./arena";
import { crc32cUpdate, maskCrc } from "./crc32c";
import { bandPixels, bandStart, F_LABELS, F_MULTI_HOT, F_NAME, keyLength, writeKey } from "./keys";
import { varintSize, writeVarint } from "./varint";

// Tags: (field << 3) | wire type 2 (length-delimited) for fields 1, 2 and 3.
const TAG1: u8 = 0x0a;
const TAG2: u8 = 0x12;
const TAG3: u8 = 0x1a;

/** Bytes of a length-delimited field holding `len` bytes: tag + length varint + body. */
// @ts-ignore: decorator
@inline function field(len: u32): u32 {
  return 1 + varintSize(len) + len;
}

/** Bytes of the Feature message of sorted feature k, given its list message's size. */
// @ts-ignore: decorator
@inline function entrySize(k: i32, featureBody: u32): u32 {
  return field(<u32>keyLength(k)) + field(featureBody);
}

/**
 * Writes a value < 65536 as a varint with one unaligned store: 1, 2 or 3 bytes. The 3-byte case stores 4 bytes;
 * the spare one lies inside the I/O window (encodeRecord checks the size with room to spare) and is overwritten
 * by whatever comes next.
 */
// @ts-ignore: decorator
@inline function writeU16Varint(p: usize, v: u32): usize {
  if (v < 0x80) {
    store<u8>(p, <u8>v);
    return p + 1;
  }
  if (v < 0x4000) {
    store<u16>(p, <u16>((v & 0x7f) | 0x80 | ((v >>> 7) << 8)));
    return p + 2;
  }
  store<u32>(p, (v & 0x7f) | 0x80 | ((((v >>> 7) & 0x7f) | 0x80) << 8) | ((v >>> 14) << 16));
  return p + 3;
}

/**
 * For each 8-bit mask m (bit i: value i of eight takes 2 bytes), the swizzle that packs eight varints out of the
 * vector [low byte 0 … 7, high byte 0 … 7]: low byte i, then high byte i when bit i is set.
 */
const PACK: usize = memory.data(256 * 16, 16);
/**
 * The SIMD constants of writePackedU16, loaded from memory rather than written as splats: V8 rebuilds a splat
 * constant on every loop iteration, a load before the loop stays in a register.
 */
const LANES: usize = memory.data<u16>([
  0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
  0xc000, 0xc000, 0xc000, 0xc000, 0xc000, 0xc000, 0xc000, 0xc000,
], 16);
let packBuilt = false;

function buildPack(): void {
  for (let m: u32 = 0; m < 256; m++) {
    let o: usize = PACK + (<usize>m << 4);
    for (let i: u32 = 0; i < 8; i++) {
      store<u8>(o++, <u8>i);
      if (m & (1 << i)) store<u8>(o++, <u8>(8 + i));
    }
  }
  packBuilt = true;
}

/** Writes eight values < 2¹⁴ (the lanes of v) as varints at p with one 16-byte store; returns the position after. */
// @ts-ignore: decorator
@inline function pack8(p: usize, v: v128, low7: v128, cont: v128): usize {
  // Values < 2¹⁴ are positive as i16, so the signed compare is exact.
  const two = i16x8.gt_s(v, low7);
  const lo = v128.or(v128.and(v, low7), v128.and(two, cont));
  const bytes = i8x16.narrow_i16x8_u(lo, i16x8.shr_u(v, 7));
  const m = <u32>i16x8.bitmask(two);
  v128.store(p, i8x16.swizzle(bytes, v128.load(PACK + (<usize>m << 4))));
  return p + 8 + <usize>popcnt(m);
}

/**
 * Writes the n (a multiple of 16: every band) u16 values at q as packed varints at p; returns the position after
 * them. Eight values < 2¹⁴ (1- or 2-byte varints, nearly every Sentinel-2 value) take one SIMD step: each lane's
 * two varint bytes are formed in place, narrowed to [low bytes, high bytes], and one table swizzle drops the high
 * bytes of the 1-byte values. A step stores 16 bytes whatever it writes (the I/O window has room past any record);
 * 16 values are checked at once, and a group of 16 with a value ≥ 2¹⁴ is written value by value.
 */
function writePackedU16(p: usize, q: usize, n: u32): usize {
  if (!packBuilt) buildPack();
  const end = q + (<usize>n << 1);
  const low7 = v128.load(LANES);
  const cont = v128.load(LANES, 16);
  const big = v128.load(LANES, 32);
  while (q < end) {
    const v0 = v128.load(q);
    const v1 = v128.load(q, 16);
    if (v128.any_true(v128.and(v128.or(v0, v1), big))) {
      for (let i = 0; i < 16; i++) p = writeU16Varint(p, <u32>load<u16>(q + (<usize>i << 1)));
    } else {
      p = pack8(p, v0, low7, cont);
      p = pack8(p, v1, low7, cont);
    }
    q += 32;
  }
  return p;
}

/** An int64_list Feature body for a packed payload of n bytes (an empty list has no packed field). */
// @ts-ignore: decorator
@inline function int64Feature(n: u32): u32 {
  return field(n > 0 ? field(n) : 0);
}

function writeEntryHead(p: usize, k: i32, featureBody: u32): usize {
  store<u8>(p, TAG1);
  p = writeVarint(p + 1, entrySize(k, featureBody));
  store<u8>(p, TAG1);
  p = writeVarint(p + 1, <u32>keyLength(k));
  p = writeKey(p, k);
  store<u8>(p, TAG2);
  return writeVarint(p + 1, featureBody);
}

/**
 * Bytes of the entry of sorted band k before its n payload bytes: entry head, list tag and length, packed tag
 * and length.
 */
// @ts-ignore: decorator
@inline function bandHeadSize(k: i32, n: u32): u32 {
  return entrySize(k, int64Feature(n)) + 1 + varintSize(entrySize(k, int64Feature(n))) - n;
}

/**
 * Writes the map entry of sorted band k at p; returns the position after it. The head holds the payload's length,
 * known only once the payload is written, so the payload goes first, after room for the head of a typical payload
 * (2 bytes a value), and moves (memory.copy) only when its head turns out longer or shorter: never for a 20 or 60 m
 * band (their heads have one size for every payload), rarely for a 10 m band (when most values are below 128).
 * This replaces a counting pass over all 80,000 values.
 */
function writeBandEntry(p: usize, k: i32): usize {
  const pixels = bandPixels(k);
  const guess = bandHeadSize(k, pixels << 1);
  const q = p + guess;
  const n = <u32>(writePackedU16(q, BANDS + (<usize>bandStart(k) << 1), pixels) - q);
  const head = bandHeadSize(k, n);
  if (head != guess) memory.copy(p + head, q, n);
  p = writeEntryHead(p, k, int64Feature(n));
  store<u8>(p, TAG3);
  p = writeVarint(p + 1, field(n));
  store<u8>(p, TAG1);
  p = writeVarint(p + 1, n);
  return p + n;
}

/**
 * Encodes the patch in the arena (BANDS, NAME[0..nameLen), LABELS with LABEL_LENS[0..labelCount), MULTI_HOT)
 * as a framed TFRecord record at the start of the I/O window. Returns the framed length, or the negated status.
 */
export function encodeRecord(nameLen: u32, labelCount: u32): i32 {
  if (nameLen > <u32>MAX_NAME_BYTES || labelCount > <u32>MAX_LABELS) return -STATUS_TOO_LARGE;
  for (let i = 0; i < CLASS_COUNT_19; i++) if (load<u8>(MULTI_HOT + i) > 1) return -STATUS_BAD_VALUE;
  let labelBytes: u32 = 0;
  let labelList: u32 = 0;
  for (let i: u32 = 0; i < labelCount; i++) {
    const n = load<u32>(LABEL_LENS + (<usize>i << 2));
    labelBytes += n;
    labelList += field(n);
  }
  if (labelBytes > <u32>MAX_LABEL_BYTES) return -STATUS_TOO_LARGE;

  // The Features message's length is written last, in 3 bytes: it is at least 80,000 (one byte a value) and at most
  // 3 · 80,000 + 4 KiB (labels, name, heads), so its varint is always 3 bytes long (2¹⁴ ≤ length < 2²¹), and the
  // whole record always fits the I/O window (393,216 bytes) with room for writePackedU16's spare bytes.
  const data: usize = IO + TFRECORD_HEADER_BYTES;
  const first = data + 4;
  let p = first;
  for (let k = 0; k < 12; k++) p = writeBandEntry(p, k);
  const labelsBody = field(labelList);
  const hotBody = int64Feature(CLASS_COUNT_19);
  const nameBody = field(field(nameLen));
  p = writeEntryHead(p, F_LABELS, labelsBody);
  store<u8>(p, TAG1);
  p = writeVarint(p + 1, labelList);
  let src = LABELS;
  for (let i: u32 = 0; i < labelCount; i++) {
    const n = load<u32>(LABEL_LENS + (<usize>i << 2));
    store<u8>(p, TAG1);
    p = writeVarint(p + 1, n);
    memory.copy(p, src, n);
    p += n;
    src += n;
  }
  p = writeEntryHead(p, F_MULTI_HOT, hotBody);
  store<u8>(p, TAG3);
  p = writeVarint(p + 1, field(CLASS_COUNT_19));
  store<u8>(p, TAG1);
  p = writeVarint(p + 1, CLASS_COUNT_19);
  memory.copy(p, MULTI_HOT, CLASS_COUNT_19);
  p += CLASS_COUNT_19;
  p = writeEntryHead(p, F_NAME, nameBody);
  store<u8>(p, TAG1);
  p = writeVarint(p + 1, field(nameLen));
  store<u8>(p, TAG1);
  p = writeVarint(p + 1, nameLen);
  memory.copy(p, NAME, nameLen);
  p += nameLen;
  const features = <u32>(p - first);
  store<u8>(data, TAG1);
  store<u8>(data + 1, <u8>((features & 0x7f) | 0x80));
  store<u8>(data + 2, <u8>(((features >>> 7) & 0x7f) | 0x80));
  store<u8>(data + 3, <u8>(features >>> 14));
  return frameInPlace(features + 4);
}

/** Adds the TFRecord header and footer around `len` data bytes already at IO + 12; returns the framed length. */
export function frameInPlace(len: u32): i32 {
  store<u64>(IO, <u64>len);
  store<u32>(IO + 8, maskCrc(crc32cUpdate(0, IO, 8)));
  store<u32>(IO + TFRECORD_HEADER_BYTES + len, maskCrc(crc32cUpdate(0, IO + TFRECORD_HEADER_BYTES, len)));
  return <i32>(len + TFRECORD_HEADER_BYTES + TFRECORD_FOOTER_BYTES);
}
