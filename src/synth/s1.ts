// Synthetic Sentinel-1 patches and reBEN reference maps for synth's S2 patches, so MM prep and the MM models can be
// tested without a download. An S1 patch pairs with the S2 patch of the same index: same place (column, row, UTM
// zone), same labels, VV/VH backscatter (Float32 dB) that depends on the labels as the S2 pixels do (one vertical
// region per label), drawn from its own seeded stream. A reference map holds each region's CORINE code, so its
// codes are exactly the patch's labels' codes.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { labelFileName } from "../archive/patch.js";
import { pythonJsonDumps } from "../archive/pyjson.js";
import { referenceMapFileName } from "../archive/reference-map.js";
import { s1BandFileName } from "../archive/s1.js";
import { LABELS_43 } from "../labels/nomenclature.js";
import { CLC_CODES_43, S1_SIDE } from "../tfrecord/mm-schema.js";
import type { SynthPatch } from "./patch.js";
import { int, itemRng, rng } from "./random.js";
import { writeTiff, type TiffLayout } from "./tiff-writer.js";

/** Per class, a VV and VH backscatter signature in dB (fixed for all seeds, like the S2 signatures). */
const S1_SIGNATURES: [number, number][] = (() => {
  const r = rng(0x5151);
  return LABELS_43.map(() => {
    const vv = -22 + r() * 17;
    return [vv, vv - 5 - r() * 5];
  });
})();

/** The S2 patch's tile (5 characters, e.g. 33UUP), from its L1C product name. */
function tileCode(p: SynthPatch): string {
  return /_T(\w{5})_/.exec(p.tileSource)?.[1] ?? "00AAA";
}

/**
 * The name of the S1 patch paired with S2 patch `p`, in the real archive's form
 * (`S1A_IW_GRDH_1SDV_20170613T165043_33UUP_87_48`): the S2 acquisition stamp, tile, column and row. reBEN's
 * metadata calls it `s1_name`; v1 uses the same name.
 */
export function s1NameOf(p: SynthPatch): string {
  const [, , stamp, col, row] = p.name.split("_") as [string, string, string, string, string];
  const [date, time] = stamp.split("T") as [string, string];
  return `S1A_IW_GRDH_1SDV_${date}T${time.padStart(6, "0")}_${tileCode(p)}_${col}_${row}`;
}

/** The label region (index into p.labels43) of column x, as synthPatch draws the S2 bands. */
function regionOf(p: SynthPatch, x: number, side: number): number {
  const k = p.labels43.length;
  return p.labels43[Math.min(k - 1, Math.floor((x * k) / side))] as number;
}

/** VV and VH of patch i (seed `seed`): 120×120 float32 dB values. */
export function synthS1Bands(seed: number, i: number, p: SynthPatch): { vv: Float32Array; vh: Float32Array } {
  const r = itemRng(seed, i, 0x51);
  const [vv, vh] = [0, 1].map((pol) => {
    const px = new Float32Array(S1_SIDE * S1_SIDE);
    for (let y = 0; y < S1_SIDE; y++) {
      for (let x = 0; x < S1_SIDE; x++) {
        const sig = (S1_SIGNATURES[regionOf(p, x, S1_SIDE)] as [number, number])[pol] as number;
        px[y * S1_SIDE + x] = sig + (r() - 0.5) * 3 + (y - S1_SIDE / 2) * 0.01;
      }
    }
    return px;
  }) as [Float32Array, Float32Array];
  return { vv, vh };
}

/** The reference map of patch `p`: each label region's CORINE Land Cover code (UInt16, 120×120). */
export function synthReferenceMap(p: SynthPatch): Uint16Array {
  const map = new Uint16Array(S1_SIDE * S1_SIDE);
  for (let x = 0; x < S1_SIDE; x++) {
    const code = CLC_CODES_43[regionOf(p, x, S1_SIDE)] as number;
    for (let y = 0; y < S1_SIDE; y++) map[y * S1_SIDE + x] = code;
  }
  return map;
}

/**
 * Writes the S1 patch of S2 patch `p` (index i) into `dir` in `layout`; with `json` also the v1 label file
 * (Python json.dumps format, the real files' keys, including their `lly` for the lower-right y).
 */
export function writeS1Patch(dir: string, seed: number, i: number, p: SynthPatch, layout: TiffLayout,
  json?: { wkt: string }): string {
  const name = s1NameOf(p);
  mkdirSync(dir, { recursive: true });
  const { vv, vh } = synthS1Bands(seed, i, p);
  const geo = { ulx: p.ulx, uly: p.uly, pixelSize: 10, epsg: p.epsg };
  writeFileSync(join(dir, s1BandFileName(name, "VV")), writeTiff(vv, S1_SIDE, layout, geo));
  writeFileSync(join(dir, s1BandFileName(name, "VH")), writeTiff(vh, S1_SIDE, layout, geo));
  if (json !== undefined) {
    const stamp = name.split("_")[4] as string;
    const orbit = String(int(itemRng(seed, i, 0x5c), 1, 99999)).padStart(6, "0");
    const t = stamp.split("T")[1] as string;
    const meta = {
      labels: p.labels43.map((l) => LABELS_43[l]),
      coordinates: { ulx: p.ulx, uly: p.uly, lrx: p.ulx + 1200, lly: p.uly - 1200 },
      projection: json.wkt,
      corresponding_s2_patch: p.name,
      scene_source: `${name.split("_").slice(0, 5).join("_")}_${stamp}_${orbit}`,
      acquisition_time: `${stamp.slice(0, 4)}-${stamp.slice(4, 6)}-${stamp.slice(6, 8)}` +
        `T${t.slice(0, 2)}:${t.slice(2, 4)}:${t.slice(4, 6)}`,
    };
    writeFileSync(join(dir, labelFileName(name)), pythonJsonDumps(meta));
  }
  return name;
}

/** Writes the reference map of reBEN patch `name` (S2 patch `p`) into `dir`: DEFLATE, NoData 0, as the real ones. */
export function writeReferenceMap(dir: string, name: string, p: SynthPatch): void {
  mkdirSync(dir, { recursive: true });
  const geo = { ulx: p.ulx, uly: p.uly, pixelSize: 10, epsg: p.epsg, noData: true };
  writeFileSync(join(dir, referenceMapFileName(name)), writeTiff(synthReferenceMap(p), S1_SIDE, "deflate", geo));
}
