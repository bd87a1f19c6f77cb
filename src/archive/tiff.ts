// The TIFF header and first IFD of a band file (classic TIFF and BigTIFF, either byte order), and the checks that
// it holds what BigEarthNet needs: one band of UInt16 (Sentinel-1: Float32) samples of the expected size. Decoding
// the strips or tiles is tiff-blocks.ts's job. Every check names the patch, the file, what was expected and what
// was found.
import { PatchError } from "../core/errors.js";

/** Where a band comes from, for error messages. */
export interface BandPlace {
  patch: string;
  file: string;
}

/** The fields of the first IFD that decoding needs. */
export interface TiffInfo {
  littleEndian: boolean;
  width: number;
  height: number;
  bitsPerSample: number;
  samplesPerPixel: number;
  /** 1 unsigned int, 2 signed int, 3 float (absent = 1). */
  sampleFormat: number;
  compression: number;
  predictor: number;
  /** Strip or tile layout: offsets and byte counts of each block, and the block size in pixels. */
  tiled: boolean;
  blockWidth: number;
  blockHeight: number;
  offsets: number[];
  byteCounts: number[];
}

/** Bytes per value of each TIFF field type (0: unknown type, skipped). */
const TYPE_SIZE = [0, 1, 1, 2, 4, 8, 1, 1, 2, 4, 8, 4, 8, 0, 0, 0, 8, 8, 8];
/** The tags decoding reads; the others (GeoTIFF keys, descriptions...) are skipped unread. */
const WANTED = new Set([256, 257, 258, 259, 273, 277, 278, 279, 317, 322, 323, 324, 325, 339]);

function bad(code: string, place: BandPlace, message: string, hint: string): PatchError {
  return new PatchError(code, message, place, hint);
}

const REDOWNLOAD = "the file is damaged: extract it again from the archive";

/** Parses the first IFD of a TIFF file held in `buf`. */
export function parseTiff(buf: Uint8Array, place: BandPlace): TiffInfo {
  if (buf.length === 0) throw bad("E_EMPTY_FILE", place, "the file is empty (0 bytes)", REDOWNLOAD);
  if (buf.length < 8) throw bad("E_NOT_TIFF", place, `a ${buf.length}-byte file cannot be a TIFF`, REDOWNLOAD);
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const order = dv.getUint16(0, false);
  if (order !== 0x4949 && order !== 0x4d4d) {
    // Nothing of the file's content is echoed: it may be any file a path or symlink led to.
    throw bad("E_NOT_TIFF", place, `not a TIFF: the file does not start with "II" or "MM"`, REDOWNLOAD);
  }
  const le = order === 0x4949;
  const magic = dv.getUint16(2, le);
  if (magic !== 42 && magic !== 43) {
    throw bad("E_NOT_TIFF", place, `not a TIFF: version ${magic}, expected 42 (TIFF) or 43 (BigTIFF)`, REDOWNLOAD);
  }
  const big = magic === 43;
  const need = (off: number, n: number, what: string): void => {
    if (off < 0 || off + n > buf.length) {
      const message = `truncated: ${what} at byte ${off} (+${n}) lies past the end of the ${buf.length}-byte file`;
      throw bad("E_TRUNCATED", place, message, REDOWNLOAD);
    }
  };
  const u64 = (off: number): number => Number(dv.getBigUint64(off, le));
  need(0, big ? 16 : 8, "the header");
  const ifd = big ? u64(8) : dv.getUint32(4, le);
  need(ifd, big ? 8 : 2, "the first IFD");
  const count = big ? u64(ifd) : dv.getUint16(ifd, le);
  const entrySize = big ? 20 : 12;
  const first = ifd + (big ? 8 : 2);
  need(first, count * entrySize, "the IFD entries");
  const tags = new Map<number, number[]>();
  for (let i = 0; i < count; i++) {
    const e = first + i * entrySize;
    const tag = dv.getUint16(e, le);
    const type = dv.getUint16(e + 2, le);
    const n = big ? u64(e + 4) : dv.getUint32(e + 4, le);
    const size = TYPE_SIZE[type] ?? 0;
    if (size === 0 || !WANTED.has(tag)) continue;
    const inline = big ? 8 : 4;
    const at = size * n <= inline ? e + (big ? 12 : 8) : big ? u64(e + 12) : dv.getUint32(e + 8, le);
    need(at, size * n, `the values of TIFF tag ${tag}`);
    const values: number[] = new Array<number>(n);
    for (let k = 0; k < n; k++) {
      const p = at + k * size;
      values[k] = size === 1 ? dv.getUint8(p) : size === 2 ? dv.getUint16(p, le)
        : size === 4 ? dv.getUint32(p, le) : u64(p);
    }
    tags.set(tag, values);
  }
  const one = (tag: number, dflt?: number): number => {
    const v = tags.get(tag)?.[0] ?? dflt;
    if (v === undefined) throw bad("E_NOT_TIFF", place, `TIFF tag ${tag} is missing`, REDOWNLOAD);
    return v;
  };
  const width = one(256);
  const height = one(257);
  const tiled = tags.has(322);
  return {
    littleEndian: le,
    width,
    height,
    bitsPerSample: one(258, 1),
    samplesPerPixel: one(277, 1),
    sampleFormat: one(339, 1),
    compression: one(259, 1),
    predictor: one(317, 1),
    tiled,
    blockWidth: tiled ? one(322) : width,
    blockHeight: tiled ? one(323) : Math.min(one(278, height), height),
    offsets: tags.get(tiled ? 324 : 273) ?? [],
    byteCounts: tags.get(tiled ? 325 : 279) ?? [],
  };
}

/** The sample types ben19 reads: UInt16 (Sentinel-2 bands, reference maps) and Float32 (Sentinel-1 VV/VH). */
export type SampleKind = "UInt16" | "Float32";
const SAMPLE: Readonly<Record<SampleKind, { bits: number; format: number }>> = {
  UInt16: { bits: 16, format: 1 },
  Float32: { bits: 32, format: 3 },
};

/** Checks that the file holds one band of `kind` samples (UInt16 unless given) of the expected size. */
export function checkBand(info: TiffInfo, side: number, place: BandPlace, kind: SampleKind = "UInt16"): void {
  if (info.samplesPerPixel !== 1) {
    const hint = "BigEarthNet stores one band per file: use the archive's own files";
    throw bad("E_BAND_COUNT", place, `expected 1 band, found ${info.samplesPerPixel}`, hint);
  }
  const want = SAMPLE[kind];
  if (info.bitsPerSample !== want.bits || info.sampleFormat !== want.format) {
    const type = info.sampleFormat === 2 ? "Int" : info.sampleFormat === 3 ? "Float" : "UInt";
    const found = `${type}${info.bitsPerSample}`;
    const hint = `convert the band to ${kind} (e.g. gdal_translate -ot ${kind})`;
    throw bad("E_SAMPLE_TYPE", place, `expected ${kind} samples, found ${found}`, hint);
  }
  if (info.width !== side || info.height !== side) {
    const hint = "each band must keep its native resolution (120, 60 or 20 px)";
    throw bad("E_BAD_SIZE", place, `expected ${side}×${side} pixels, found ${info.width}×${info.height}`, hint);
  }
}
