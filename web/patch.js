// Opened files → one patch: its 12 bands (archive order), its labels when known, and its TFRecord record.
// The same modules as `ben19 prep` do the work — the TIFF fast path (dist/archive/tiff.js), the 43→19 table
// (dist/labels/convert.js) and the WASM encoder — so the record is byte for byte the one prep writes.
import { checkBand, parseTiff } from "../dist/archive/tiff.js";
import { canDecode, decodeBand } from "../dist/archive/tiff-blocks.js";
import { labels43ToIndices, multiHot19, names19 } from "../dist/labels/convert.js";
import { BAND_NAMES, BAND_SIDES } from "../dist/wasm/index.js";

/**
 * @typedef {object} Patch
 * @property {string} name
 * @property {string} source       where it came from, for the page
 * @property {Uint16Array[]} bands 12 bands in archive order (B01 … B12), native sizes
 * @property {string[] | null} labels43 the label file's names (null when there is none)
 * @property {string[] | null} labels19 the 19-class names (null when unknown)
 * @property {Uint8Array | null} record the framed TFRecord record (null without labels: prep needs them)
 */

const BAND_FILE = new RegExp(`^(.+)_(${BAND_NAMES.join("|")})\\.tiff?$`);
const LABEL_FILE = /^(.+)_labels_metadata\.json$/;

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

/** A patch from its band files (and label file, if given), as prep reads a patch folder. */
async function fromGeoTiffs(files, core) {
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
      throw new InputError(`${f.name} is neither a band file (<patch>_B01.tif … _B12.tif), a label file (<patch>_labels_metadata.json) nor a .tfrecord file`);
    }
  }
  if (names.size !== 1) throw new InputError(`the files belong to ${names.size} patches (${[...names].join(", ")}): open one patch at a time`);
  const [name] = names;
  const missing = BAND_NAMES.filter((b) => !byBand.has(b));
  if (missing.length > 0) throw new InputError(`patch ${name}: band file${missing.length > 1 ? "s" : ""} ${missing.map((b) => `${name}_${b}.tif`).join(", ")} missing: pick all 12`);
  const bands = [];
  for (let b = 0; b < BAND_NAMES.length; b++) bands.push(await readBand(byBand.get(BAND_NAMES[b]), b, name));
  const source = `${files.length} files`;
  if (labelFile === undefined) return { name, source, bands, labels43: null, labels19: null, record: null };
  let labels;
  try {
    labels = JSON.parse(await labelFile.text()).labels;
  } catch (e) {
    throw new InputError(`${labelFile.name}: malformed JSON (${e.message})`);
  }
  if (!Array.isArray(labels)) throw new InputError(`${labelFile.name} has no "labels" list`);
  const multiHot = multiHot19(labels43ToIndices(labels, { patch: name, file: labelFile.name }));
  const record = core.encodeRecord({ patchName: name, bands, multiHot });
  return { name, source, bands, labels43: labels, labels19: names19(multiHot), record };
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
  return { name: p.patchName, source: `${fileName}, record ${k} of ${ranges.length}`, bands: p.bands, labels43: null, labels19: names19(p.multiHot), record };
}

/**
 * What the opened files are: `{ patch }` for GeoTIFFs, or `{ tfrecord: { bytes, ranges, name } }` for one
 * TFRecord file (the page then picks a record).
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
  return { patch: await fromGeoTiffs(files, core) };
}
