// Opened files → one patch: its 12 bands (archive order), its labels when known, its TFRecord record, and its
// Sentinel-1 bands (VV, VH) when its S1 files are opened with it (or later) or the record is multi-modal.
// The same modules as `ben19 prep` do the work — the TIFF decoders, the 43→19 table
// (all through ben19/browser) and the WASM encoder — so the record is byte for byte the one prep writes.
import {
  BAND_NAMES, BAND_SIDES, canDecode, checkBand, decodeBand, labels43ToIndices, multiHot19, names19, parseTiff,
} from "ben19/browser";

/**
 * @typedef {object} Patch
 * @property {string} name
 * @property {string} source       where it came from, for the page
 * @property {Uint16Array[]} bands 12 bands in archive order (B01 … B12), native sizes
 * @property {string[] | null} labels43 the label file's names (null when there is none)
 * @property {string[] | null} labels19 the 19-class names (null when unknown)
 * @property {Uint8Array | null} record the framed TFRecord record (null without labels: prep needs them)
 * @property {S1 | null} s1         the patch's Sentinel-1 bands, when known
 */

/**
 * @typedef {object} S1
 * @property {string} name      the S1 patch name
 * @property {Float32Array} vv  120×120 backscatter (dB)
 * @property {Float32Array} vh
 */

const BAND_FILE = new RegExp(`^(.+)_(${BAND_NAMES.join("|")})\\.tiff?$`);
const LABEL_FILE = /^(.+)_labels_metadata\.json$/;
const S1_FILE = /^(.+)_(VV|VH)\.tiff?$/;
const S1_SIDE = 120;

/** A user-facing error: message and what to do. */
export class InputError extends Error {}

/** The message of any error, with ben19's place and hint when it is one of its errors. */
export function describe(e) {
  return typeof e?.describe === "function" ? e.describe() : String(e?.message ?? e);
}

let geotiff;
/** geotiff.js's browser bundle, loaded only when a compressed TIFF is met (it is large and rarely needed). */
function loadGeotiff() {
  geotiff ??= new Promise((ok, fail) => {
    const s = Object.assign(document.createElement("script"), { src: "/vendor/geotiff.js" });
    s.onload = () => ok(globalThis.GeoTIFF);
    s.onerror = () => fail(new InputError("cannot load geotiff.js, which compressed GeoTIFFs need"));
    document.head.append(s);
  });
  return geotiff;
}

async function readBand(file, b, patch) {
  const buf = new Uint8Array(await file.arrayBuffer());
  const place = { patch, file: file.name };
  const info = parseTiff(buf, place);
  checkBand(info, BAND_SIDES[b], place);
  if (canDecode(info)) return decodeBand(buf, info, place); // DEFLATE needs geotiff.js here (no zlib)
  const image = await (await (await loadGeotiff()).fromArrayBuffer(buf.buffer)).getImage();
  const [raster] = await image.readRasters({ interleave: false });
  return raster instanceof Uint16Array ? raster : Uint16Array.from(raster);
}

/** One Sentinel-1 band: a 120×120 Float32 GeoTIFF, read with geotiff.js (the fast reader takes UInt16 only). */
async function readS1Band(file) {
  const image = await (await (await loadGeotiff()).fromArrayBuffer(await file.arrayBuffer())).getImage();
  const [raster] = await image.readRasters({ interleave: false });
  if (image.getWidth() !== S1_SIDE || image.getHeight() !== S1_SIDE || !(raster instanceof Float32Array)) {
    throw new InputError(`${file.name}: expected a ${S1_SIDE}×${S1_SIDE} Float32 Sentinel-1 band, got ${image.getWidth()}×${image.getHeight()} ${raster?.constructor?.name ?? "?"}`);
  }
  return raster;
}

/** The files of an S1 patch among `files`: its VV and VH band files and its label file (which the S2 one supersedes). */
function s1FilesOf(files) {
  const names = new Set(files.map((f) => S1_FILE.exec(f.name)?.[1]).filter((n) => n !== undefined));
  return (f) => S1_FILE.test(f.name) || names.has(LABEL_FILE.exec(f.name)?.[1]);
}

/** The S1 patch of a VV and a VH file of one S1 patch. */
async function fromS1Files(all) {
  const files = all.filter((f) => S1_FILE.test(f.name));
  const byPol = new Map(files.map((f) => [S1_FILE.exec(f.name)[2], f]));
  const names = new Set(files.map((f) => S1_FILE.exec(f.name)[1]));
  if (names.size !== 1 || files.length !== 2 || byPol.size !== 2) {
    throw new InputError(`Sentinel-1: open the two files <s1 patch>_VV.tif and _VH.tif of one patch (got ${files.map((f) => f.name).join(", ")})`);
  }
  return { name: [...names][0], vv: await readS1Band(byPol.get("VV")), vh: await readS1Band(byPol.get("VH")) };
}

/** A patch from its band files (and label file, if given), as prep reads a patch folder; its S1 files may come along. */
async function fromGeoTiffs(all, core) {
  const isS1 = s1FilesOf(all);
  const s1Files = all.filter(isS1);
  const s1 = s1Files.length > 0 ? await fromS1Files(s1Files) : null;
  const files = all.filter((f) => !isS1(f));
  const byBand = new Map();
  let labelFile;
  const names = new Set();
  for (const f of files) {
    const band = BAND_FILE.exec(f.name);
    const label = LABEL_FILE.exec(f.name);
    if (band) {
      byBand.set(band[2], f);
      names.add(band[1]);
    } else if (label) {
      labelFile = f;
      names.add(label[1]);
    } else {
      throw new InputError(`${f.name} is neither a band file (<patch>_B01.tif … _B12.tif, <s1 patch>_VV.tif, _VH.tif), a label file (<patch>_labels_metadata.json) nor a .tfrecord file`);
    }
  }
  if (names.size !== 1) throw new InputError(`the files belong to ${names.size} patches (${[...names].join(", ")}): open one patch at a time`);
  const [name] = names;
  const missing = BAND_NAMES.filter((b) => !byBand.has(b));
  if (missing.length > 0) throw new InputError(`patch ${name}: band file${missing.length > 1 ? "s" : ""} ${missing.map((b) => `${name}_${b}.tif`).join(", ")} missing: pick all 12`);
  const bands = [];
  for (let b = 0; b < BAND_NAMES.length; b++) bands.push(await readBand(byBand.get(BAND_NAMES[b]), b, name));
  const source = `${all.length} files`;
  if (labelFile === undefined) return { name, source, bands, labels43: null, labels19: null, record: null, s1 };
  let labels;
  try {
    labels = JSON.parse(await labelFile.text()).labels;
  } catch (e) {
    throw new InputError(`${labelFile.name}: malformed JSON (${e.message})`);
  }
  if (!Array.isArray(labels)) throw new InputError(`${labelFile.name} has no "labels" list`);
  const multiHot = multiHot19(labels43ToIndices(labels, { patch: name, file: labelFile.name }));
  const record = core.encodeRecord({ patchName: name, bands, multiHot });
  return { name, source, bands, labels43: labels, labels19: names19(multiHot), record, s1 };
}

/** The byte ranges of the framed records of a TFRecord file (CRCs are checked when a record is opened). */
export function recordRanges(bytes, fileName) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const ranges = [];
  for (let at = 0; at < bytes.length;) {
    if (at + 12 > bytes.length) throw new InputError(`${fileName}: truncated record header at byte ${at}`);
    const end = at + 16 + Number(view.getBigUint64(at, true));
    if (end > bytes.length) throw new InputError(`${fileName}: record ${ranges.length} runs past the end of the file (byte ${end} of ${bytes.length})`);
    ranges.push([at, end]);
    at = end;
  }
  if (ranges.length === 0) throw new InputError(`${fileName} holds no records`);
  return ranges;
}

/** Record k of a TFRecord file read into `bytes`, with the file's byte ranges from recordRanges. */
export function fromRecord(bytes, ranges, k, fileName, core) {
  const record = bytes.slice(ranges[k][0], ranges[k][1]);
  const p = core.decodePatch(core.unframe(record));
  const s1 = p.s1 === undefined ? null : { name: p.patchNameS1 ?? "", vv: p.s1.vv, vh: p.s1.vh };
  return { name: p.patchName, source: `${fileName}, record ${k} of ${ranges.length}`, bands: p.bands, labels43: null, labels19: names19(p.multiHot), record, s1 };
}

/**
 * What the opened files are: `{ patch }` for GeoTIFFs, `{ s1 }` for only a VV and a VH file (the S1 half of the
 * patch on the page), or `{ tfrecord: { bytes, ranges, name } }` for one TFRecord file (the page then picks a record).
 */
export async function openFiles(files, core) {
  files = [...files];
  if (files.length === 0) throw new InputError("no files");
  const records = files.filter((f) => /\.tfrecords?$/i.test(f.name));
  if (records.length > 0) {
    if (files.length > 1) throw new InputError("open one .tfrecord file on its own");
    const bytes = new Uint8Array(await files[0].arrayBuffer());
    return { tfrecord: { bytes, ranges: recordRanges(bytes, files[0].name), name: files[0].name } };
  }
  if (files.every(s1FilesOf(files))) return { s1: await fromS1Files(files) };
  return { patch: await fromGeoTiffs(files, core) };
}
