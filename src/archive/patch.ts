// One patch folder: 12 band GeoTIFFs and the labels JSON, read into Uint16Arrays and label indices.
// Each band costs one readFileSync and a decodeBand (every layout GDAL writes by default, DEFLATE via node:zlib);
// geotiff.js is loaded only for rarer compressions (JPEG, LERC, ZSTD...).
import { existsSync, readdirSync, statSync } from "node:fs";
import { basename, dirname, join, sep } from "node:path";
import { BAND_NAMES, BAND_SIDES } from "../core/bands.js";
import { clip, parseJsonBounded, readBounded } from "../io/bounded.js";
import { PatchError } from "../core/errors.js";
import { labels43ToIndices } from "../labels/convert.js";
import { decodeWithGeotiff } from "./geotiff-fallback.js";
import { checkBand, parseTiff, type SampleKind } from "./tiff.js";
import { canDecode, decodeBand, decodeFloat32Band } from "./tiff-blocks.js";
import { inflateCapped } from "./tiff-inflate.js";

/** The label file of a patch (`<patch>_labels_metadata.json`). */
export interface PatchMetadata {
  labels: string[];
  coordinates?: { ulx: number; uly: number; lrx: number; lry: number };
  projection?: string;
  tile_source?: string;
  acquisition_date?: string;
  [key: string]: unknown;
}

export interface PatchData {
  name: string;
  /** 12 bands in BAND_NAMES order, native sizes (120, 60 or 20 px square). */
  bands: Uint16Array[];
  metadata?: PatchMetadata;
  /** 43-class indices of the metadata's labels. */
  labels43?: number[];
  /** reBEN (v2.0): the 19-class multi-hot from metadata.parquet (v2 patches have no label JSON). */
  multiHot?: Uint8Array;
}

export interface ReadPatchOptions {
  /** Read and check the JSON label file (default true); false reads the bands only. */
  labels?: boolean;
  /** Adds the milliseconds spent reading band files and decoding them (for prep's and bench's time split). */
  timing?: PatchTiming | undefined;
  /**
   * Decode the bands into this thread's arrays (one per band, reused by every read with `reuse`): no allocation per
   * patch, but the bands are valid only until the next such read (prep's worker encodes each patch at once).
   */
  reuse?: boolean | undefined;
}

/** Time accumulated over the band files read: reading them and decoding them. */
export interface PatchTiming {
  readMs: number;
  decodeMs: number;
}

/** The file names of a band file and of the label file of a patch, and their paths in a patch folder. */
export function bandFileName(name: string, band: string): string {
  return `${name}_${band}.tif`;
}
export function labelFileName(name: string): string {
  return `${name}_labels_metadata.json`;
}
export function bandFile(dir: string, name: string, band: string): string {
  return join(dir, bandFileName(name, band));
}
export function labelFile(dir: string, name: string): string {
  return join(dir, labelFileName(name));
}

/**
 * Largest band file accepted: a 120×120 uint16 band is 28.8 KB uncompressed; 4 MiB leaves room for any tiling,
 * padding, metadata or a wasteful codec while refusing a huge or sparse file before reading it. What a band
 * decompresses to is checked by the decoders.
 */
export const MAX_BAND_FILE_BYTES = 4 << 20;
/** Largest label file accepted (the archive's are about 300 bytes). */
export const MAX_LABEL_FILE_BYTES = 1 << 20;

/** The cap of a patch file by its name: a label file or a band. */
export function maxPatchFileBytes(fileName: string): number {
  return fileName.endsWith(".json") ? MAX_LABEL_FILE_BYTES : MAX_BAND_FILE_BYTES;
}

/** One read buffer per thread, grown on demand: reading a patch allocates nothing per file. */
let readBuffer = new Uint8Array(1 << 16);
const threadBuffer = (size: number): Uint8Array => {
  if (readBuffer.length < size) readBuffer = new Uint8Array(Math.max(size, readBuffer.length * 4));
  return readBuffer;
};
const HOSTILE_HINT = "replace it with the archive's file: a patch holds 12 band GeoTIFFs and its JSON label file";

/**
 * Reads the file into the thread's read buffer. Untrusted input (issue #15), checked as io/bounded.ts says: a
 * regular file below the cap, or a named error before a byte is read (a 1.5 GB sparse "band" is never read).
 */
function readInto(file: string, patch: string, what: string): Uint8Array {
  const maxBytes = maxPatchFileBytes(file);
  return readBounded(file, { maxBytes, what, code: "E_NOT_REGULAR", hint: HOSTILE_HINT, patch, error: PatchError },
    threadBuffer);
}

/** The bytes of a patch file: a view valid until the next readFile on this thread (callers use them at once). */
function readFile(file: string, patch: string, code: string, what: string): Uint8Array {
  try {
    return readInto(file, patch, what);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === "ENOENT") {
      let folder = true;
      try {
        folder = statSync(dirname(file)).isDirectory();
      } catch {
        folder = false;
      }
      if (!folder) {
        // One message for S2 and S1 folders: the root it names is the one to check (-r, or -r1/--s1 for S1).
        const hint = `it was looked for in ${dirname(dirname(file))}: ` +
          "check the archive root and the patch name in the CSV";
        const place = { patch, file: dirname(file) };
        throw new PatchError("E_MISSING_FOLDER", "the patch folder does not exist", place, hint);
      }
      const hint = "the patch is incomplete: extract it again from the archive";
      throw new PatchError(code, `${what} is missing`, { patch, file }, hint);
    }
    if (e instanceof PatchError) throw e;
    const hint = err.code === "EACCES" || err.code === "EPERM"
      ? "give this user read permission on the archive (chmod -R a+rX)"
      : undefined;
    throw new PatchError("E_READ", `cannot read ${what}: ${err.message}`, { patch, file }, hint);
  }
}

/**
 * Where a patch's files come from: the bytes of one file of the patch by its file name, or a PatchError with
 * `code` ("<what> is missing") when the source lacks it. A folder and a tarball's members are both sources, so
 * every check below is written once.
 */
export interface PatchFileSource {
  name: string;
  /** The file's path for messages. */
  path(fileName: string): string;
  /** The file's bytes, valid until the next read: use them before any await. */
  read(fileName: string, code: string, what: string): Uint8Array;
}

/** What readRaster returns for each sample kind. */
interface RasterOf {
  UInt16: Uint16Array;
  Float32: Float32Array;
}

/**
 * Reads and decodes one single-band GeoTIFF of a patch source (`what` names it in errors, `code` when missing):
 * `kind` samples, side × side. Sentinel-1 and reference maps use it too.
 */
export async function readRaster<K extends SampleKind>(src: PatchFileSource, fileName: string, code: string,
  what: string, side: number, kind: K, timing?: PatchTiming): Promise<RasterOf[K]> {
  return raster(src, fileName, code, what, side, kind, timing);
}

/**
 * readRaster without a promise unless geotiff.js decodes (a patch's 12 bands cost no microtask turns), decoding
 * UInt16 samples `into` an array of the caller's when given (its values are replaced).
 */
function raster<K extends SampleKind>(src: PatchFileSource, fileName: string, code: string, what: string,
  side: number, kind: K, timing: PatchTiming | undefined, into?: Uint16Array): RasterOf[K] | Promise<RasterOf[K]> {
  const t0 = timing === undefined ? 0 : performance.now();
  const buf = src.read(fileName, code, what);
  const t1 = timing === undefined ? 0 : performance.now();
  const place = { patch: src.name, file: src.path(fileName) };
  const info = parseTiff(buf, place);
  checkBand(info, side, place, kind);
  const took = <T>(pixels: T): T => {
    if (timing !== undefined) {
      timing.readMs += t1 - t0;
      timing.decodeMs += performance.now() - t1;
    }
    return pixels;
  };
  if (!canDecode(info, inflateCapped)) {
    return decodeWithGeotiff(buf.slice(), place, info).then((p) => took(p as RasterOf[K]));
  }
  if (kind === "Float32") return took(decodeFloat32Band(buf, info, place, inflateCapped) as RasterOf[K]);
  return took(decodeBand(buf, info, place, inflateCapped, into) as RasterOf[K]);
}

/** This thread's band arrays for reads with `reuse` (ReadPatchOptions), made on first use. */
let reusedBands: Uint16Array[] | undefined;

/** Decodes one band of the patch, into this thread's array for the band when `reuse`. */
function readBand(src: PatchFileSource, b: number, opts: ReadPatchOptions): Uint16Array | Promise<Uint16Array> {
  const band = BAND_NAMES[b] as string;
  const side = BAND_SIDES[b] as number;
  const into = opts.reuse === true ? (reusedBands ??= BAND_SIDES.map((n) => new Uint16Array(n * n)))[b] : undefined;
  return raster(src, bandFileName(src.name, band), "E_MISSING_BAND", `band ${band}`, side, "UInt16", opts.timing,
    into);
}

/** Parses and checks a label file. */
export function parseMetadata(text: string, patch: string, file: string): PatchMetadata {
  const data = parseJsonBounded(text, { file, patch, hint: "restore the file from the archive", error: PatchError });
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    const hint = "restore the file from the archive";
    throw new PatchError("E_BAD_JSON", "the label file does not hold a JSON object", { patch, file }, hint);
  }
  const labels = (data as { labels?: unknown }).labels;
  if (!Array.isArray(labels) || !labels.every((l) => typeof l === "string")) {
    const found = clip(JSON.stringify(labels) ?? "nothing");
    const message = `the label file has no "labels" list of strings (found ${found})`;
    throw new PatchError("E_NO_LABELS", message, { patch, file }, "restore the file from the archive");
  }
  return data as PatchMetadata;
}

/** Reads and checks the 12 bands and (unless opts.labels is false) the label file of a patch source. */
export async function readPatchFrom(src: PatchFileSource, opts: ReadPatchOptions = {}): Promise<PatchData> {
  const name = src.name;
  const bands: Uint16Array[] = [];
  for (let b = 0; b < BAND_NAMES.length; b++) {
    const band = readBand(src, b, opts);
    bands.push(band instanceof Promise ? await band : band);
  }
  if (opts.labels === false) return { name, bands };
  const fileName = labelFileName(name);
  const file = src.path(fileName);
  const bytes = src.read(fileName, "E_MISSING_JSON", "the label file");
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8");
  if (text.length === 0) {
    const hint = "restore the file from the archive";
    throw new PatchError("E_EMPTY_FILE", "the label file is empty (0 bytes)", { patch: name, file }, hint);
  }
  const metadata = parseMetadata(text, name, file);
  return { name, bands, metadata, labels43: labels43ToIndices(metadata.labels, { patch: name, file }) };
}

/** The files of patch `name` in folder `dir`. */
export function dirSource(dir: string, name: string): PatchFileSource {
  // The folder's path is joined once: a patch's file names are plain names (join would only cost time per file).
  const base = dir.endsWith(sep) ? dir : dir + sep;
  return { name, path: (f) => base + f, read: (f, code, what) => readFile(base + f, name, code, what) };
}

/** Reads the patch folder `dir` (the patch's name is the folder's name unless given). */
export function readPatchDir(dir: string, opts: ReadPatchOptions = {}, name = basename(dir)): Promise<PatchData> {
  return readPatchFrom(dirSource(dir, name), opts);
}

/**
 * The files of patch `name` from their bytes (e.g. members of a tarball), keyed by file name; `where` names the
 * container in messages. `files` undefined means the container has no folder for the patch at all (a PatchError
 * E_MISSING_FOLDER, whose hint names `option`, the option that gave the tarball).
 */
export function filesSource(name: string, files: ReadonlyMap<string, Uint8Array> | undefined, where: string,
  option = "-r"): PatchFileSource {
  const path = (f: string): string => `${where}:${name}/${f}`;
  if (files === undefined) {
    const hint = `check ${option} (the archive tarball) and the patch name in the split CSV`;
    const place = { patch: name, file: `${where}:${name}/` };
    throw new PatchError("E_MISSING_FOLDER", "the patch folder is not in the tarball", place, hint);
  }
  const read = (f: string, code: string, what: string): Uint8Array => {
    const bytes = files.get(f);
    if (bytes === undefined) {
      const hint = "the tarball's copy of the patch is incomplete: download it again";
      throw new PatchError(code, `${what} is missing`, { patch: name, file: path(f) }, hint);
    }
    return bytes;
  };
  return { name, path, read };
}

/** Reads a patch from its files' bytes (see filesSource). */
export async function readPatchFromFiles(name: string, files: ReadonlyMap<string, Uint8Array> | undefined,
  where: string, opts: ReadPatchOptions = {}): Promise<PatchData> {
  return readPatchFrom(filesSource(name, files, where), opts);
}

/** Reads patch `name` under the archive root. */
export function readPatch(root: string, name: string, opts: ReadPatchOptions = {}): Promise<PatchData> {
  return readPatchDir(join(root, name), opts);
}

/**
 * The name of the patch whose files a folder holds, found by its `<patch>_B01.tif`, so a folder need not be named
 * after its patch (a download, a copy). A folder with no such file, or with several patches' files, is named.
 */
export function patchNameInDir(dir: string): string {
  if (existsSync(bandFile(dir, basename(dir), "B01"))) return basename(dir);
  const names = readdirSync(dir).map((f) => /^(.+)_B01\.tif$/.exec(f)?.[1]).filter((n): n is string => n !== undefined);
  if (names.length === 1) return names[0] as string;
  if (names.length === 0) {
    throw new PatchError("E_NOT_A_PATCH", "not a patch folder: it holds no <patch>_B01.tif", { file: dir },
      "pass folders holding one patch's 12 band files (<patch>_B01.tif … <patch>_B12.tif), or TFRecord files");
  }
  const listed = `${names.slice(0, 3).join(", ")}${names.length > 3 ? ", …" : ""}`;
  throw new PatchError("E_NOT_A_PATCH", `the folder holds the band files of ${names.length} patches (${listed})`,
    { file: dir }, "pass one folder per patch");
}
