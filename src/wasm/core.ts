// The typed facade over the WASM core: async creation, then a synchronous hot path. Inputs are copied into the
// arena with .set, results copied out with .slice(); the core never grows its memory (everything lives in static
// regions), but views are still re-made whenever the buffer object changes, so no stale view can be read.
import { BAND_PIXELS } from "../core/bands.js";
import {
  CLASS_COUNT_19, MAX_NAME_BYTES, MAX_RESAMPLE_SIDE, MM_HAS_NAME_S1, MM_HAS_REFERENCE_MAP, MM_HAS_VH, MM_HAS_VV,
  PATCH_PIXELS, RESAMPLE_BICUBIC, RESAMPLE_BILINEAR, RESAMPLE_NEAREST, RESAMPLE_TF1_BICUBIC, S1_PIXELS,
  STATUS_MISSING_FEATURE, STATUS_OK, TFRECORD_FOOTER_BYTES, TFRECORD_HEADER_BYTES,
} from "../core/constants.js";
import { CorruptRecordError, DAMAGED_RECORD_HINT, OptionError, WasmError } from "../core/errors.js";
import { LABELS_19 } from "../labels/nomenclature.js";
import { instantiateCore, type CoreExports, type CoreOptions, type WasmSource } from "./load.js";
import { statusError } from "./status.js";

/** One patch as the encoder takes it. */
export interface ExampleInput {
  patchName: string;
  /** 12 bands in archive order B01 B02 B03 B04 B05 B06 B07 B08 B8A B09 B11 B12 (400/14400/3600 pixels). */
  bands: readonly Uint16Array[];
  /** 19 values, 0 or 1, in 19-class index order. */
  multiHot: ArrayLike<number>;
}

/** A decoded BigEarthNet-19 record (S2, or multi-modal: S2 + S1, maybe with a reference map). */
export interface DecodedPatch {
  /** patch_name, or an MM record's patch_name_s2. */
  patchName: string;
  bands: Uint16Array[];
  multiHot: Uint8Array;
  /** The names of the record's `BigEarthNet-19_labels` list, as stored. */
  labels: string[];
  /** An MM record's patch_name_s1. */
  patchNameS1?: string;
  /** An MM record's VV and VH (120×120 float32 dB values each). */
  s1?: S1Bands;
  /** A record's reference_map: 14,400 CLC level-3 codes. */
  referenceMap?: Uint16Array;
  /** Which MM features the record holds (VV and VH; reference_map). */
  hasS1: boolean;
  hasReferenceMap: boolean;
}

/** The two Sentinel-1 bands of a patch, row-major 120×120 float32. */
export interface S1Bands {
  vv: Float32Array;
  vh: Float32Array;
}

/** A decoded record's names, labels and flags; its bands stay in the core for layoutInto (see decodePatchInPlace). */
export type PatchMeta = Omit<DecodedPatch, "bands" | "s1" | "referenceMap">;

/**
 * One channel of a model input tensor: a band (0–11 in archive order, or CHANNEL_VV/CHANNEL_VH for an MM record's
 * Sentinel-1 bands) and its z-score statistics.
 */
export interface LayoutChannel {
  band: number;
  mean: number;
  std: number;
}

/** Resampling methods: TF1 resize_bicubic (what the reference models expect), TF2 bicubic, bilinear, nearest. */
export type ResampleMethod = "tf1-bicubic" | "bicubic" | "bilinear" | "nearest";
export const RESAMPLE_METHODS: Readonly<Record<ResampleMethod, number>> = {
  "tf1-bicubic": RESAMPLE_TF1_BICUBIC,
  bicubic: RESAMPLE_BICUBIC,
  bilinear: RESAMPLE_BILINEAR,
  nearest: RESAMPLE_NEAREST,
};

export type FeatureKind = "none" | "bytes_list" | "float_list" | "int64_list";

/** One feature of any tf.train.Example: its key, kind, value count and the raw list message body. */
export interface FeatureEntry {
  key: string;
  kind: FeatureKind;
  count: number;
  body: Uint8Array;
}

export interface Core {
  /** CRC32C of data, continuing from `seed` (a previous result) when given. */
  crc32c(data: Uint8Array, seed?: number): number;
  /** The TFRecord-masked CRC32C of data. */
  maskedCrc32c(data: Uint8Array): number;
  /** The serialized tf.train.Example of a patch (map keys in sorted order). */
  encodeExample(x: ExampleInput): Uint8Array;
  /** The framed TFRecord record of a patch. */
  encodeRecord(x: ExampleInput): Uint8Array;
  /** Encodes the framed record of a patch into dest at offset; returns its length. Throws if it does not fit. */
  encodeRecordInto(x: ExampleInput, dest: Uint8Array, offset: number): number;
  /** Frames any data as one TFRecord record. */
  frame(data: Uint8Array): Uint8Array;
  /** The data of one whole framed record, after checking both CRCs (CorruptRecordError otherwise). */
  unframe(record: Uint8Array): Uint8Array;
  /** The features of any serialized tf.train.Example, in the order stored. */
  decodeExample(data: Uint8Array): FeatureEntry[];
  /** A BigEarthNet-19 record's bands, multi-hot, name and labels (CorruptRecordError when it is not one). */
  decodePatch(data: Uint8Array): DecodedPatch;
  /**
   * decodePatch without copying the bands out: they stay in the core for layoutInto. With `maskedCrc` (the record's
   * TFRecord footer) the data CRC is checked first, on the copy already in the core, so the bytes cross once.
   */
  decodePatchInPlace(data: Uint8Array, maskedCrc?: number): PatchMeta;
  /** Puts 12 bands (archive order, native sizes) into the core for layoutInto; forgets any S1 bands. */
  setBands(bands: readonly Uint16Array[]): void;
  /** Puts VV and VH (14,400 values each) into the core for layoutInto's S1 channels (after setBands). */
  setS1(s1: S1Bands): void;
  /** The reference map of the record last decoded in place (14,400 CLC codes), or undefined if it had none. */
  referenceMap(): Uint16Array | undefined;
  /**
   * Writes the side × side × channels.length HWC tensor of the bands in the core (each z-scored, then resampled
   * when its side differs) into out at offset: the model input of one patch, in one pass per channel.
   */
  layoutInto(
    channels: readonly LayoutChannel[], side: number, method: ResampleMethod, out: Float32Array, offset: number,
  ): void;
  /** Resamples an inH×inW float32 image (row-major) to outH×outW; sides up to 256. */
  resample(
    src: Float32Array, inH: number, inW: number, outH: number, outW: number, method: ResampleMethod,
  ): Float32Array;
  /** (x − mean) / std of each value, in float64, rounded once to float32 (the reference's z-score). */
  normalize(values: Uint16Array, mean: number, std: number): Float32Array;
}

/** A layout asked for VV/VH (the mm layout) of a record or patch that has none. */
function missingS1(feature: number): Error {
  const e = statusError(STATUS_MISSING_FEATURE, feature);
  return new CorruptRecordError(e.code, `${e.message}: the mm layout takes multi-modal records (S2 + VV + VH)`, {},
    "write MM records with `ben19 prep -r1 S1ROOT -r2 S2ROOT` (v1) or `prep --s1` (v2), or use an S2 layout (stack10)");
}

const KINDS: readonly FeatureKind[] = ["none", "bytes_list", "float_list", "int64_list"];
const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder("utf-8", { fatal: false });
const LABEL_BYTES = LABELS_19.map((n) => utf8.encode(n));

class WasmCore implements Core {
  private buffer: ArrayBuffer | undefined;
  private u8!: Uint8Array;
  private u16!: Uint16Array;
  private u32!: Uint32Array;
  private readonly io: number;
  private readonly cap: number;

  constructor(private readonly x: CoreExports) {
    if (x.patchPixels() !== PATCH_PIXELS || x.classCount() !== CLASS_COUNT_19) {
      throw new WasmError("E_WASM_ABI", "the WASM core was built for another patch layout", {},
        "use build/core.wasm of the same ben19 version, or rebuild with npm run build");
    }
    this.io = x.ioPtr();
    this.cap = x.ioCapacity();
  }

  private views(): void {
    if (this.buffer !== this.x.memory.buffer) {
      this.buffer = this.x.memory.buffer;
      this.u8 = new Uint8Array(this.buffer);
      this.u16 = new Uint16Array(this.buffer);
      this.u32 = new Uint32Array(this.buffer);
    }
  }

  crc32c(data: Uint8Array, seed = 0): number {
    this.views();
    let crc = seed >>> 0;
    for (let off = 0; off < data.length; off += this.cap) {
      const chunk = data.subarray(off, Math.min(data.length, off + this.cap));
      this.u8.set(chunk, this.io);
      crc = this.x.crc32cUpdate(crc, this.io, chunk.length) >>> 0;
    }
    return crc;
  }

  maskedCrc32c(data: Uint8Array): number {
    return this.x.maskCrc(this.crc32c(data)) >>> 0;
  }

  /** Fills the arena with a patch and runs the encoder; returns the framed length in the I/O window. */
  private encode(p: ExampleInput): number {
    if (p.bands.length !== BAND_PIXELS.length) {
      throw new OptionError("bands", `${p.bands.length} bands`,
        `expected ${BAND_PIXELS.length} (B01 … B12 in archive order) for patch ${p.patchName}`);
    }
    if (p.multiHot.length !== CLASS_COUNT_19) {
      throw new OptionError("multiHot", `${p.multiHot.length} values`,
        `expected ${CLASS_COUNT_19} for patch ${p.patchName}`);
    }
    this.views();
    let at = this.x.bandsPtr() >>> 1;
    p.bands.forEach((b, i) => {
      if (b.length !== BAND_PIXELS[i]) {
        throw new OptionError(`bands[${i}]`, `${b.length} pixels`,
          `expected ${BAND_PIXELS[i]} for patch ${p.patchName}`);
      }
      this.u16.set(b, at);
      at += b.length;
    });
    const nameAt = this.x.namePtr();
    const { read, written } = utf8.encodeInto(p.patchName, this.u8.subarray(nameAt, nameAt + MAX_NAME_BYTES));
    if (read !== p.patchName.length) {
      throw new OptionError("patchName", p.patchName, `expected at most ${MAX_NAME_BYTES} UTF-8 bytes`);
    }
    let labelAt = this.x.labelsPtr();
    const lens = this.x.labelLensPtr() >>> 2;
    const hot = this.x.multiHotPtr();
    let count = 0;
    for (let k = 0; k < CLASS_COUNT_19; k++) {
      const v = p.multiHot[k] as number;
      if (v !== 0 && v !== 1) throw new OptionError(`multiHot[${k}]`, v, `expected 0 or 1 for patch ${p.patchName}`);
      this.u8[hot + k] = v;
      if (v === 1) {
        const bytes = LABEL_BYTES[k] as Uint8Array;
        this.u8.set(bytes, labelAt);
        labelAt += bytes.length;
        this.u32[lens + count++] = bytes.length;
      }
    }
    const n = this.x.encodeRecord(written, count);
    if (n < 0) throw statusError(-n, 0, { patch: p.patchName });
    return n;
  }

  encodeRecord(p: ExampleInput): Uint8Array {
    const n = this.encode(p);
    return this.u8.slice(this.io, this.io + n);
  }

  encodeRecordInto(p: ExampleInput, dest: Uint8Array, offset: number): number {
    const n = this.encode(p);
    if (offset + n > dest.length) {
      throw new RangeError(`encodeRecordInto: ${n} bytes do not fit at offset ${offset} of ${dest.length}`);
    }
    dest.set(this.u8.subarray(this.io, this.io + n), offset);
    return n;
  }

  encodeExample(p: ExampleInput): Uint8Array {
    const n = this.encode(p);
    return this.u8.slice(this.io + TFRECORD_HEADER_BYTES, this.io + n - TFRECORD_FOOTER_BYTES);
  }

  frame(data: Uint8Array): Uint8Array {
    const out = new Uint8Array(data.length + TFRECORD_HEADER_BYTES + TFRECORD_FOOTER_BYTES);
    const view = new DataView(out.buffer);
    view.setBigUint64(0, BigInt(data.length), true);
    view.setUint32(8, this.maskedCrc32c(out.subarray(0, 8)), true);
    out.set(data, TFRECORD_HEADER_BYTES);
    view.setUint32(TFRECORD_HEADER_BYTES + data.length, this.maskedCrc32c(data), true);
    return out;
  }

  unframe(record: Uint8Array): Uint8Array {
    const overhead = TFRECORD_HEADER_BYTES + TFRECORD_FOOTER_BYTES;
    if (record.length < overhead) {
      throw new CorruptRecordError("E_TRUNCATED", `a record needs at least ${overhead} bytes, got ${record.length}`);
    }
    const view = new DataView(record.buffer, record.byteOffset, record.byteLength);
    if (view.getUint32(8, true) !== this.maskedCrc32c(record.subarray(0, 8))) throw statusError(9, 0);
    const len = view.getBigUint64(0, true);
    if (len !== BigInt(record.length - overhead)) {
      throw new CorruptRecordError("E_TRUNCATED",
        `the header says ${len} data bytes, the record holds ${record.length - overhead}`);
    }
    const data = record.subarray(TFRECORD_HEADER_BYTES, record.length - TFRECORD_FOOTER_BYTES);
    if (view.getUint32(record.length - TFRECORD_FOOTER_BYTES, true) !== this.maskedCrc32c(data)) {
      throw statusError(10, 0);
    }
    return data;
  }

  /** Copies a serialized Example into the I/O window, or throws when it is larger. */
  private load(data: Uint8Array): void {
    if (data.length > this.cap) {
      throw new CorruptRecordError("E_TOO_LARGE",
        `a ${data.length}-byte Example exceeds the core's ${this.cap}-byte window (BigEarthNet records are ~160 KB)`);
    }
    this.views();
    this.u8.set(data, this.io);
  }

  decodeExample(data: Uint8Array): FeatureEntry[] {
    this.load(data);
    const status = this.x.decodeFeatures(data.length);
    if (status !== STATUS_OK) throw statusError(status, 0);
    const counts = this.x.countsPtr() >>> 2;
    const rows = this.u32[counts + 2] as number;
    const table = this.x.tablePtr() >>> 2;
    const out: FeatureEntry[] = [];
    for (let r = 0; r < rows; r++) {
      const row = table + r * 6;
      const [keyOff, keyLen, kind, bodyOff, bodyLen, count] = this.u32.subarray(row, row + 6) as unknown as number[];
      out.push({
        key: fromUtf8.decode(
          this.u8.subarray(this.io + (keyOff as number), this.io + (keyOff as number) + (keyLen as number)),
        ),
        kind: KINDS[kind as number] ?? "none",
        count: count as number,
        body: this.u8.slice(this.io + (bodyOff as number), this.io + (bodyOff as number) + (bodyLen as number)),
      });
    }
    return out;
  }

  decodePatch(data: Uint8Array): DecodedPatch {
    const meta = this.decodePatchInPlace(data);
    const bands: Uint16Array[] = [];
    let at = this.x.bandsPtr() >>> 1;
    for (const n of BAND_PIXELS) {
      bands.push(this.u16.slice(at, at + n));
      at += n;
    }
    const out: DecodedPatch = { ...meta, bands };
    if (meta.hasS1) {
      const f32 = new Float32Array(this.x.memory.buffer, this.x.s1Ptr(), 2 * S1_PIXELS);
      out.s1 = { vv: f32.slice(0, S1_PIXELS), vh: f32.slice(S1_PIXELS) };
    }
    const map = this.referenceMap();
    if (map !== undefined) out.referenceMap = map;
    return out;
  }

  decodePatchInPlace(data: Uint8Array, maskedCrc?: number): PatchMeta {
    this.load(data);
    const crc = (): number => this.x.maskCrc(this.x.crc32cUpdate(0, this.io, data.length)) >>> 0;
    if (maskedCrc !== undefined && crc() !== maskedCrc >>> 0) {
      const message = "the CRC of the record data does not match";
      throw new CorruptRecordError("E_BAD_DATA_CRC", message, {}, DAMAGED_RECORD_HINT);
    }
    const status = this.x.decodePatch(data.length);
    const counts = this.x.countsPtr() >>> 2;
    if (status !== STATUS_OK) throw statusError(status, this.u32[counts + 3] as number);
    const name = this.x.namePtr();
    const labels: string[] = [];
    let labelAt = this.x.labelsPtr();
    const lens = this.x.labelLensPtr() >>> 2;
    for (let i = 0; i < (this.u32[counts + 1] as number); i++) {
      const n = this.u32[lens + i] as number;
      labels.push(fromUtf8.decode(this.u8.subarray(labelAt, labelAt + n)));
      labelAt += n;
    }
    const hot = this.x.multiHotPtr();
    const mm = this.x.mmCountsPtr() >>> 2;
    const flags = this.u32[mm] as number;
    const meta: PatchMeta = {
      patchName: fromUtf8.decode(this.u8.subarray(name, name + (this.u32[counts] as number))),
      multiHot: this.u8.slice(hot, hot + CLASS_COUNT_19),
      labels,
      hasS1: (flags & (MM_HAS_VV | MM_HAS_VH)) === (MM_HAS_VV | MM_HAS_VH),
      hasReferenceMap: (flags & MM_HAS_REFERENCE_MAP) !== 0,
    };
    if ((flags & MM_HAS_NAME_S1) !== 0) {
      const at = this.x.nameS1Ptr();
      meta.patchNameS1 = fromUtf8.decode(this.u8.subarray(at, at + (this.u32[mm + 1] as number)));
    }
    return meta;
  }

  referenceMap(): Uint16Array | undefined {
    this.views();
    if (((this.u32[this.x.mmCountsPtr() >>> 2] as number) & MM_HAS_REFERENCE_MAP) === 0) return undefined;
    const at = this.x.referenceMapPtr() >>> 1;
    return this.u16.slice(at, at + S1_PIXELS);
  }

  setS1(s1: S1Bands): void {
    for (const [key, band] of [["vv", s1.vv], ["vh", s1.vh]] as const) {
      if (band.length !== S1_PIXELS) {
        throw new OptionError(`s1.${key}`, `${band.length} values`, `expected ${S1_PIXELS} (120×120)`);
      }
    }
    this.views();
    const f32 = new Float32Array(this.x.memory.buffer, this.x.s1Ptr(), 2 * S1_PIXELS);
    f32.set(s1.vv, 0);
    f32.set(s1.vh, S1_PIXELS);
    const mm = this.x.mmCountsPtr() >>> 2;
    this.u32[mm] = ((this.u32[mm] as number) | MM_HAS_VV | MM_HAS_VH) >>> 0;
  }

  setBands(bands: readonly Uint16Array[]): void {
    if (bands.length !== BAND_PIXELS.length) {
      throw new OptionError("bands", `${bands.length} bands`,
        `expected ${BAND_PIXELS.length} (B01 … B12 in archive order)`);
    }
    this.views();
    let at = this.x.bandsPtr() >>> 1;
    bands.forEach((b, i) => {
      if (b.length !== BAND_PIXELS[i]) {
        throw new OptionError(`bands[${i}]`, `${b.length} pixels`, `expected ${BAND_PIXELS[i]}`);
      }
      this.u16.set(b, at);
      at += b.length;
    });
    this.u32[this.x.mmCountsPtr() >>> 2] = 0;
  }

  layoutInto(
    channels: readonly LayoutChannel[], side: number, method: ResampleMethod, out: Float32Array, offset: number,
  ): void {
    const code = RESAMPLE_METHODS[method];
    if (code === undefined) {
      throw new OptionError("resample", method, `expected one of ${Object.keys(RESAMPLE_METHODS).join(", ")}`);
    }
    const n = side * side * channels.length;
    if (offset < 0 || offset + n > out.length) {
      throw new OptionError("out", `${out.length} values from ${offset}`,
        `expected room for ${side}×${side}×${channels.length}`);
    }
    channels.forEach((c, k) => {
      const status = this.x.layoutChannel(c.band, c.mean, c.std, side, code, k, channels.length);
      if (status === STATUS_MISSING_FEATURE) throw missingS1(this.u32[(this.x.countsPtr() >>> 2) + 3] as number);
      if (status !== STATUS_OK) {
        const value = { band: c.band, side, channel: k, channels: channels.length, mean: c.mean, std: c.std };
        throw new OptionError("layout", value, "expected a band 0–13, std > 0, side ≤ 128 and ≤ 12 channels");
      }
    });
    out.set(new Float32Array(this.x.memory.buffer, this.x.outF32Ptr(), n), offset);
  }

  resample(
    src: Float32Array, inH: number, inW: number, outH: number, outW: number, method: ResampleMethod,
  ): Float32Array {
    const code = RESAMPLE_METHODS[method];
    if (code === undefined) {
      throw new OptionError("resample", method, `expected one of ${Object.keys(RESAMPLE_METHODS).join(", ")}`);
    }
    for (const [name, v] of [["inH", inH], ["inW", inW], ["outH", outH], ["outW", outW]] as const) {
      if (!Number.isInteger(v) || v < 1 || v > MAX_RESAMPLE_SIDE) {
        throw new OptionError(name, v, `expected an integer from 1 to ${MAX_RESAMPLE_SIDE}`);
      }
    }
    if (src.length !== inH * inW) {
      throw new OptionError("src", `${src.length} values`, `expected ${inH}×${inW} = ${inH * inW}`);
    }
    this.views();
    const f32 = new Float32Array(this.x.memory.buffer);
    f32.set(src, this.x.srcF32Ptr() >>> 2);
    const status = this.x.resample(inH, inW, outH, outW, code);
    if (status !== STATUS_OK) throw statusError(status, 0);
    const at = this.x.dstF32Ptr() >>> 2;
    return f32.slice(at, at + outH * outW);
  }

  normalize(values: Uint16Array, mean: number, std: number): Float32Array {
    if (!(std > 0) || !Number.isFinite(mean)) {
      throw new OptionError("stats", { mean, std }, "expected a finite mean and a standard deviation > 0");
    }
    this.views();
    const out = new Float32Array(values.length);
    const f32 = new Float32Array(this.x.memory.buffer);
    const chunk = MAX_RESAMPLE_SIDE * MAX_RESAMPLE_SIDE;
    const src = this.x.bandsPtr();
    const dst = this.x.dstF32Ptr();
    for (let off = 0; off < values.length; off += chunk) {
      const part = values.subarray(off, Math.min(values.length, off + chunk));
      this.u16.set(part, src >>> 1);
      this.x.normalize(src, part.length, mean, std, dst);
      out.set(f32.subarray(dst >>> 2, (dst >>> 2) + part.length), off);
    }
    return out;
  }
}

/**
 * Creates a core instance with its own memory. Without arguments it uses the build embedded in `ben19/wasm` (compiled
 * once, then cached); otherwise the core comes from `{ bytes }`, `{ url }`, `{ response }` or `{ module }` (or the
 * same given directly). A fetched URL is fetched on every call: compile it once with WebAssembly.compileStreaming and
 * pass `{ module }` to make many instances.
 */
export async function createCore(source?: WasmSource | CoreOptions): Promise<Core> {
  return new WasmCore(await instantiateCore(source));
}
