// A GeoTIFF writer for one UInt16 (or Sentinel-1 Float32) band in the layouts a reader must handle: the archive's
// own (uncompressed, little-endian, strips of ~8 KiB as GDAL writes them), tiles, big-endian, BigTIFF, DEFLATE and
// LZW with a predictor. Used by synth to make test archives that GDAL and geotiff.js read.
import { deflateSync } from "node:zlib";
import { lzwEncode } from "./lzw.js";

export type TiffLayout = "default" | "tiled" | "deflate" | "lzw" | "big-endian" | "bigtiff";

/** Georeferencing of a band: upper-left corner and pixel size in metres, UTM EPSG code. */
export interface GeoRef {
  ulx: number;
  uly: number;
  pixelSize: number;
  epsg: number;
  /** Write GDAL's NoData tag (42113) with value 0, as reBEN's band files have. */
  noData?: boolean | undefined;
}

interface Entry {
  tag: number;
  type: number; // 2 ASCII, 3 SHORT, 4 LONG, 12 DOUBLE, 16 LONG8
  values: number[];
}

const TYPE_SIZE: Record<number, number> = { 2: 1, 3: 2, 4: 4, 12: 8, 16: 8 };

type Words = Uint16Array | Uint32Array;

/** The horizontal predictor: each sample minus its left neighbour (modulo the word size), row by row in a block. */
function predict(block: Words, width: number): Words {
  const out = block.slice();
  for (let i = 0; i < out.length; i++) {
    if (i % width !== 0) out[i] = (block[i] as number) - (block[i - 1] as number);
  }
  return out;
}

/**
 * TIFF's floating-point predictor (libtiff's fpDiff) for a little-endian file: each row's words split into byte
 * planes, most significant first, then every byte minus its left neighbour.
 */
function floatPredict(block: Uint32Array, width: number): Uint8Array {
  const out = new Uint8Array(block.length * 4);
  for (let r = 0; r < block.length / width; r++) {
    const row = out.subarray(r * width * 4, (r + 1) * width * 4);
    for (let c = 0; c < width; c++) {
      const w = block[r * width + c] as number;
      for (let k = 0; k < 4; k++) row[k * width + c] = (w >>> (8 * (3 - k))) & 0xff;
    }
    for (let i = row.length - 1; i > 0; i--) row[i] = (row[i] as number) - (row[i - 1] as number);
  }
  return out;
}

function toBytes(samples: Words, le: boolean): Uint8Array {
  // Node runs on little-endian hosts only, so little-endian output is the samples' own bytes.
  if (le) return new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength);
  const size = samples.BYTES_PER_ELEMENT;
  const out = new Uint8Array(samples.length * size);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < samples.length; i++) {
    if (size === 2) dv.setUint16(i * 2, samples[i] as number, false);
    else dv.setUint32(i * 4, samples[i] as number, false);
  }
  return out;
}

/**
 * Encodes one side×side band as a GeoTIFF file in the given layout: UInt16 samples, or Float32 for a Float32Array
 * (Sentinel-1), whose DEFLATE layout uses the floating-point predictor (3) and LZW the horizontal one on words.
 */
export function writeTiff(pixels: Uint16Array | Float32Array, side: number, layout: TiffLayout, geo: GeoRef):
  Uint8Array {
  const float = pixels instanceof Float32Array;
  const words: Words = float ? new Uint32Array(pixels.buffer, pixels.byteOffset, pixels.length) : pixels;
  const size = float ? 4 : 2;
  const le = layout !== "big-endian";
  const big = layout === "bigtiff";
  const tiled = layout === "tiled";
  const compression = layout === "deflate" ? 8 : layout === "lzw" ? 5 : 1;
  const predictor = compression === 1 ? 1 : float && compression === 8 ? 3 : 2;
  // Blocks: 16×16 tiles, or strips of as many rows as fit in 8 KiB (GDAL's default: 34 rows of a 120-px band).
  const bw = tiled ? 16 : side;
  const bh = tiled ? 16 : Math.min(side, Math.max(1, Math.floor(8192 / (side * size))));
  const blocks: Uint8Array[] = [];
  for (let y = 0; y < side; y += bh) {
    for (let x = 0; x < side; x += bw) {
      const rows = tiled ? bh : Math.min(bh, side - y);
      const block = float ? new Uint32Array(bw * rows) : new Uint16Array(bw * rows); // tiles: zeros past the edge
      for (let r = 0; r < rows && y + r < side; r++) {
        for (let c = 0; c < bw && x + c < side; c++) block[r * bw + c] = words[(y + r) * side + x + c] as number;
      }
      const raw = predictor === 3
        ? floatPredict(block as Uint32Array, bw)
        : toBytes(predictor === 2 ? predict(block, bw) : block, le);
      blocks.push(compression === 8 ? deflateSync(raw) : compression === 5 ? lzwEncode(raw) : raw);
    }
  }
  const offType = big ? 16 : 4;
  const entries: Entry[] = [
    { tag: 256, type: 3, values: [side] },
    { tag: 257, type: 3, values: [side] },
    { tag: 258, type: 3, values: [size * 8] },
    { tag: 259, type: 3, values: [compression] },
    { tag: 262, type: 3, values: [1] },
    ...(tiled ? [] : [{ tag: 273, type: offType, values: blocks.map(() => 0) }]),
    { tag: 277, type: 3, values: [1] },
    ...(tiled ? [] : [
      { tag: 278, type: 3, values: [bh] },
      { tag: 279, type: offType, values: blocks.map((b) => b.length) },
    ]),
    { tag: 284, type: 3, values: [1] },
    ...(predictor !== 1 ? [{ tag: 317, type: 3, values: [predictor] }] : []),
    ...(tiled
      ? [
          { tag: 322, type: 3, values: [bw] },
          { tag: 323, type: 3, values: [bh] },
          { tag: 324, type: offType, values: blocks.map(() => 0) },
          { tag: 325, type: offType, values: blocks.map((b) => b.length) },
        ]
      : []),
    { tag: 339, type: 3, values: [float ? 3 : 1] },
    { tag: 33550, type: 12, values: [geo.pixelSize, geo.pixelSize, 0] },
    { tag: 33922, type: 12, values: [0, 0, 0, geo.ulx, geo.uly, 0] },
    // GeoKeyDirectory: version 1.1.0, 3 keys: model type projected, raster type PixelIsArea, projected CRS = EPSG.
    { tag: 34735, type: 3, values: [1, 1, 0, 3, 1024, 0, 1, 1, 1025, 0, 1, 1, 3072, 0, 1, geo.epsg] },
    // GDAL_NODATA: ASCII "0".
    ...(geo.noData === true ? [{ tag: 42113, type: 2, values: [0x30, 0] }] : []),
  ];
  const head = big ? 16 : 8;
  const dataBytes = blocks.reduce((a, b) => a + b.length, 0);
  const ifdAt = head + dataBytes + (dataBytes % 2); // IFDs start on a word boundary
  const entrySize = big ? 20 : 12;
  const inline = big ? 8 : 4;
  const ifdBytes = (big ? 8 : 2) + entries.length * entrySize + (big ? 8 : 4);
  let extraAt = ifdAt + ifdBytes;
  const extra: { at: number; e: Entry }[] = [];
  for (const e of entries) {
    const n = (TYPE_SIZE[e.type] as number) * e.values.length;
    if (n > inline) {
      extra.push({ at: extraAt, e });
      extraAt += n + (n % 2);
    }
  }
  const out = new Uint8Array(extraAt);
  const dv = new DataView(out.buffer);
  // Block offsets are known now: fill them in.
  let at = head;
  const offsets = blocks.map((b) => {
    const o = at;
    out.set(b, at);
    at += b.length;
    return o;
  });
  for (const e of entries) if (e.tag === 273 || e.tag === 324) e.values = offsets;
  out[0] = out[1] = le ? 0x49 : 0x4d;
  dv.setUint16(2, big ? 43 : 42, le);
  if (big) {
    dv.setUint16(4, 8, le);
    dv.setBigUint64(8, BigInt(ifdAt), le);
  } else {
    dv.setUint32(4, ifdAt, le);
  }
  const put = (p: number, type: number, v: number): void => {
    if (type === 3) dv.setUint16(p, v, le);
    else if (type === 4) dv.setUint32(p, v, le);
    else if (type === 16) dv.setBigUint64(p, BigInt(v), le);
    else if (type === 12) dv.setFloat64(p, v, le);
    else dv.setUint8(p, v);
  };
  let p = ifdAt;
  if (big) {
    dv.setBigUint64(p, BigInt(entries.length), le);
    p += 8;
  } else {
    dv.setUint16(p, entries.length, le);
    p += 2;
  }
  for (const e of entries) {
    dv.setUint16(p, e.tag, le);
    dv.setUint16(p + 2, e.type, le);
    if (big) dv.setBigUint64(p + 4, BigInt(e.values.length), le);
    else dv.setUint32(p + 4, e.values.length, le);
    const valueAt = p + (big ? 12 : 8);
    const size = TYPE_SIZE[e.type] as number;
    const ext = extra.find((x) => x.e === e);
    const base = ext === undefined ? valueAt : ext.at;
    if (ext !== undefined) put(valueAt, big ? 16 : 4, ext.at);
    e.values.forEach((v, k) => put(base + k * size, e.type, v));
    p += entrySize;
  }
  return out; // next-IFD offset stays 0: one image
}
