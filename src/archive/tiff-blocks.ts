// Decodes one UInt16 (Sentinel-2) or Float32 (Sentinel-1) band from its strips or tiles: uncompressed, LZW,
// PackBits, and DEFLATE when the caller passes an inflater (node:zlib in Node, see tiff-inflate.ts; none in the
// browser), with the horizontal (and for floats the floating-point) predictor, in either byte order. Every block
// is decoded into at most the bytes the image needs: a block that would decode to more is refused
// (E_OVERSIZED_BLOCK) before anything larger is allocated.
import { PatchError } from "../core/errors.js";
import { BlockError, lzwDecode, packBitsDecode } from "./tiff-codecs.js";
import type { BandPlace, TiffInfo } from "./tiff.js";

/**
 * Inflates a zlib stream into at most `cap` bytes, returning them (a view, valid until the next call); throws
 * BlockError "overflow" past `cap`, "corrupt" on a malformed stream.
 */
export type Inflate = (src: Uint8Array, cap: number) => Uint8Array;

const NONE = 1;
const LZW = 5;
const DEFLATE = 8;
const ADOBE_DEFLATE = 32946;
const PACKBITS = 32773;

/** True when decodeBand can read the file with these codecs (else use geotiff.js, see geotiff-fallback.ts). */
export function canDecode(info: TiffInfo, inflate?: Inflate): boolean {
  const c = info.compression;
  const deflate = (c === DEFLATE || c === ADOBE_DEFLATE) && inflate !== undefined;
  const known = c === NONE || c === LZW || c === PACKBITS || deflate;
  // Predictor 3 (floating point) is defined for float samples only.
  const floatPredictor = info.predictor === 3 && info.sampleFormat === 3;
  return known && (info.predictor === 1 || info.predictor === 2 || floatPredictor);
}

const REDOWNLOAD = "the file is damaged: extract it again from the archive";

/** Scratch for LZW and PackBits output: one block, grown on demand, reused by every band of the thread. */
let scratch = new Uint8Array(1 << 15);

function decompress(src: Uint8Array, cap: number, compression: number, inflate: Inflate | undefined): Uint8Array {
  if (compression === DEFLATE || compression === ADOBE_DEFLATE) return (inflate as Inflate)(src, cap);
  if (scratch.length < cap) scratch = new Uint8Array(cap);
  const out = scratch.subarray(0, cap);
  return out.subarray(0, compression === LZW ? lzwDecode(src, out) : packBitsDecode(src, out));
}

/** Receives one decoded block: `data` holds `rows` rows of `bw` samples in file byte order. */
type PlaceBlock = (data: Uint8Array, x0: number, y0: number, rows: number, cols: number) => void;

/**
 * Decodes every strip or tile of the band (samples of `bytes` bytes) and hands each to `place`; the caller has
 * checked the sample type and size (checkBand) and canDecode.
 */
function forEachBlock(buf: Uint8Array, info: TiffInfo, place: BandPlace, inflate: Inflate | undefined, bytes: number,
  placeBlock: PlaceBlock): void {
  const { width, height, blockWidth: bw, blockHeight: bh } = info;
  const kind = info.tiled ? "tile" : "strip";
  const across = Math.ceil(width / bw);
  const blocks = across * Math.ceil(height / bh);
  if (info.offsets.length < blocks || info.byteCounts.length < blocks) {
    const why = `the IFD lists ${info.offsets.length} ${kind}s, the image needs ${blocks}`;
    throw new PatchError("E_TRUNCATED", why, place, REDOWNLOAD);
  }
  const compressed = info.compression !== NONE;
  for (let b = 0; b < blocks; b++) {
    const x0 = (b % across) * bw;
    const y0 = Math.floor(b / across) * bh;
    const rows = Math.min(bh, height - y0);
    const cols = Math.min(bw, width - x0);
    // Strips hold only their rows (a last strip may be full height too); tiles are always bw × bh.
    const need = (info.tiled ? bh : rows) * bw * bytes;
    const cap = bh * bw * bytes;
    const off = info.offsets[b] as number;
    const count = info.byteCounts[b] as number;
    let data: Uint8Array;
    if (!compressed) {
      if (off + need > buf.length || count < need) {
        const why = `truncated: ${kind} ${b} needs bytes ${off}..${off + need}, the file has ${buf.length}`;
        throw new PatchError("E_TRUNCATED", why, place, REDOWNLOAD);
      }
      data = buf.subarray(off, off + need);
    } else {
      if (off + count > buf.length) {
        const why = `truncated: ${kind} ${b} lies at bytes ${off}..${off + count}, the file has ${buf.length}`;
        throw new PatchError("E_TRUNCATED", why, place, REDOWNLOAD);
      }
      try {
        data = decompress(buf.subarray(off, off + count), cap, info.compression, inflate);
      } catch (e) {
        if (!(e instanceof BlockError)) throw e;
        if (e.kind === "overflow") {
          const why = `${kind} ${b} decompresses to more than the ${cap} bytes the image needs (${e.message})`;
          const what = `${why}: a damaged file or a decompression bomb`;
          throw new PatchError("E_OVERSIZED_BLOCK", what, place, REDOWNLOAD);
        }
        throw new PatchError("E_BAD_TIFF", `${kind} ${b} cannot be decompressed: ${e.message}`, place, REDOWNLOAD);
      }
      if (data.length < need) {
        const why = `${kind} ${b} decompresses to ${data.length} bytes, the image needs ${need}`;
        throw new PatchError("E_TRUNCATED", why, place, REDOWNLOAD);
      }
    }
    placeBlock(data, x0, y0, rows, cols);
  }
}

/** Decodes a UInt16 band; the caller has checked the sample type and size (checkBand) and canDecode. */
export function decodeBand(buf: Uint8Array, info: TiffInfo, place: BandPlace, inflate?: Inflate,
  into?: Uint16Array): Uint16Array {
  // `into`, when of the band's size, is cleared and filled instead of a new array (prep's workers reuse theirs).
  const n = info.width * info.height;
  const out = into !== undefined && into.length === n ? into.fill(0) : new Uint16Array(n);
  // libtiff applies the predictor only to compressed data; so does GDAL, which is the reference here.
  const predict = info.compression !== NONE && info.predictor === 2;
  const { width, blockWidth: bw, littleEndian: le } = info;
  forEachBlock(buf, info, place, inflate, 2, (data, x0, y0, rows, cols) => {
    place16(data, out, width, bw, x0, y0, rows, cols, le, predict);
  });
  return out;
}

/**
 * Decodes a Float32 band (Sentinel-1 VV/VH): no predictor, the horizontal predictor on 32-bit words, or the
 * floating-point predictor (3, which GDAL writes for floats with PREDICTOR=3).
 */
export function decodeFloat32Band(buf: Uint8Array, info: TiffInfo, place: BandPlace, inflate?: Inflate): Float32Array {
  const out = new Float32Array(info.width * info.height);
  const words = new Uint32Array(out.buffer);
  const predictor = info.compression === NONE ? 1 : info.predictor;
  const { width, blockWidth: bw, littleEndian: le } = info;
  forEachBlock(buf, info, place, inflate, 4, (data, x0, y0, rows, cols) => {
    const at = { width, bw, x0, y0, rows, cols, le };
    if (predictor === 3) placeFloatPredicted(data, words, at);
    else place32(data, words, at, predictor === 2);
  });
  return out;
}

/** Copies a decoded block (rows of `bw` samples in file byte order) into the image, undoing the predictor. */
function place16(
  data: Uint8Array,
  out: Uint16Array,
  width: number,
  bw: number,
  x0: number,
  y0: number,
  rows: number,
  cols: number,
  le: boolean,
  predict: boolean,
): void {
  // Node and every browser run on little-endian hosts, so little-endian samples are read as a Uint16Array.
  if (le && data.byteOffset % 2 === 0) {
    const s = new Uint16Array(data.buffer, data.byteOffset, rows * bw);
    if (!predict && cols === width && bw === width) {
      out.set(s, y0 * width);
      return;
    }
    for (let r = 0; r < rows; r++) {
      const from = r * bw;
      const to = (y0 + r) * width + x0;
      if (!predict) {
        out.set(s.subarray(from, from + cols), to);
        continue;
      }
      let acc = 0;
      for (let c = 0; c < cols; c++) {
        acc = (acc + (s[from + c] as number)) & 0xffff;
        out[to + c] = acc;
      }
    }
    return;
  }
  for (let r = 0; r < rows; r++) {
    let p = r * bw * 2;
    const to = (y0 + r) * width + x0;
    let acc = 0;
    for (let c = 0; c < cols; c++, p += 2) {
      const hi = le ? (data[p + 1] as number) : (data[p] as number);
      const lo = le ? (data[p] as number) : (data[p + 1] as number);
      const v = (hi << 8) | lo;
      acc = predict ? (acc + v) & 0xffff : v;
      out[to + c] = acc;
    }
  }
}

/** Where a decoded block of a 32-bit band goes: image width, block width, origin, size, file byte order. */
interface BlockAt {
  width: number;
  bw: number;
  x0: number;
  y0: number;
  rows: number;
  cols: number;
  le: boolean;
}

/** place16 for 32-bit words: copies a block into the image as host (little-endian) words, undoing predictor 2. */
function place32(data: Uint8Array, out: Uint32Array, at: BlockAt, predict: boolean): void {
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  for (let r = 0; r < at.rows; r++) {
    let p = r * at.bw * 4;
    const to = (at.y0 + r) * at.width + at.x0;
    let acc = 0;
    for (let c = 0; c < at.cols; c++, p += 4) {
      const v = dv.getUint32(p, at.le);
      acc = predict ? (acc + v) >>> 0 : v;
      out[to + c] = acc;
    }
  }
}

/**
 * Undoes TIFF's floating-point predictor (libtiff's fpAcc) row by row: the row's bytes are differenced bytewise
 * and hold the words' bytes as planes, in reverse file order (libtiff swaps a big-endian file's words before
 * predicting): the most significant bytes first in a little-endian file, the least significant in a big-endian one.
 */
function placeFloatPredicted(data: Uint8Array, out: Uint32Array, at: BlockAt): void {
  const bw = at.bw;
  const row = new Uint8Array(bw * 4);
  for (let r = 0; r < at.rows; r++) {
    row.set(data.subarray(r * bw * 4, (r + 1) * bw * 4));
    for (let i = 1; i < row.length; i++) row[i] = ((row[i] as number) + (row[i - 1] as number)) & 0xff;
    const to = (at.y0 + r) * at.width + at.x0;
    for (let c = 0; c < at.cols; c++) {
      const p0 = row[c] as number;
      const p1 = row[bw + c] as number;
      const p2 = row[2 * bw + c] as number;
      const p3 = row[3 * bw + c] as number;
      out[to + c] = (at.le ? (p0 << 24) | (p1 << 16) | (p2 << 8) | p3 : (p3 << 24) | (p2 << 16) | (p1 << 8) | p0) >>> 0;
    }
  }
}
