// One synthetic patch: a real-style name, 1–4 labels of the 43 classes, and pixels that depend on the labels
// (each class has a spectral signature; a patch is split into one vertical region per label, plus noise), so a
// model can learn them. Everything is drawn from the patch's own seeded stream, so layouts never change it.
import { BAND_NAMES, BAND_SIDES } from "../core/bands.js";
import { LABELS_43, TARGET_19 } from "../labels/nomenclature.js";
import { int, itemRng, rng } from "./random.js";

export interface SynthPatch {
  name: string;
  bands: Uint16Array[];
  labels43: number[];
  epsg: number;
  ulx: number;
  uly: number;
  date: string;
  tileSource: string;
}

/** Per class and band, a reflectance signature: fixed for all seeds so that every synth archive is learnable alike. */
const SIGNATURES: number[][] = (() => {
  const r = rng(0x5eed);
  return LABELS_43.map(() => BAND_NAMES.map(() => int(r, 150, 6000)));
})();

/** 43-class indices that map to a 19-class label, and those that map to none. */
const MAPPED = LABELS_43.map((_, i) => i).filter((i) => (TARGET_19[i] as number) >= 0);
const UNMAPPED = LABELS_43.map((_, i) => i).filter((i) => TARGET_19[i] === -1);

/** Values at the protobuf varint size boundaries, planted in every patch's B02 so encoders are exercised there. */
export const BOUNDARY_VALUES = [0, 127, 128, 16383, 16384, 65535] as const;

function pad2(n: number): string {
  return String(n).padStart(2, "0");
}

/** Patch i of a synth archive seeded `seed`. Names are unique within an archive (col/row encode i). */
export function synthPatch(seed: number, i: number): SynthPatch {
  const r = itemRng(seed, i);
  // Acquisitions between 2017-06 and 2018-05; 40 patches share one acquisition, as patches of one tile do.
  const a = Math.floor(i / 40);
  const acq = itemRng(seed, a, 0xacc);
  const sat = acq() < 0.5 ? "S2A" : "S2B";
  const month = int(acq, 0, 11);
  const year = month < 7 ? 2017 : 2018;
  const mm = ((month + 5) % 12) + 1;
  const dd = int(acq, 1, 28);
  const hour = int(acq, 8, 12);
  // Minutes and seconds number the acquisition, so names stay unique (up to 144,000 patches). The archive writes
  // the hour without its leading zero (S2B_MSIL2A_20170924T93020_69_24).
  const time = `${hour}${pad2(a % 60)}${pad2(Math.floor(a / 60) % 60)}`;
  const date = `${year}${pad2(mm)}${pad2(dd)}`;
  const cell = i % 40;
  // col/row: 1–2 unpadded digits, as in the archive.
  const col = 1 + (cell % 8) * 12 + (a % 12);
  const row = 1 + Math.floor(cell / 8) * 19 + (Math.floor(a / 12) % 19);
  const name = `${sat}_MSIL2A_${date}T${time}_${col}_${row}`;
  const zone = 29 + int(acq, 0, 7);

  const k = int(r, 1, 4);
  const labels = new Set<number>();
  // About 2 % of patches carry only labels with no 19-class counterpart (they exist in the real archive too).
  const pool = r() < 0.02 ? UNMAPPED : MAPPED;
  while (labels.size < k) labels.add(pool[int(r, 0, pool.length - 1)] as number);
  const labels43 = [...labels].sort((a, b) => a - b);

  const bands = BAND_SIDES.map((side, b) => {
    const px = new Uint16Array(side * side);
    const base = Array.from({ length: side }, (_, x) => {
      const label = labels43[Math.min(k - 1, Math.floor((x * k) / side))] as number;
      return (SIGNATURES[label] as number[])[b] as number;
    });
    for (let y = 0; y < side; y++) {
      const shade = (y - side / 2) * 2;
      for (let x = 0; x < side; x++) {
        const v = base[x] as number;
        px[y * side + x] = Math.max(1, Math.min(20000, Math.round(v + (r() - 0.5) * 0.2 * v + shade)));
      }
    }
    return px;
  });
  (bands[1] as Uint16Array).set(BOUNDARY_VALUES, 0);
  return {
    name,
    bands,
    labels43,
    epsg: 32600 + zone,
    ulx: 300000 + col * 1200,
    uly: 6000000 - row * 1200,
    date: `${year}-${pad2(mm)}-${pad2(dd)} ${pad2(hour)}:${time.slice(-4, -2)}:${time.slice(-2)}`,
    tileSource: `${sat}_MSIL1C_${date}T${time}_N0205_R${String(int(acq, 1, 143)).padStart(3, "0")}` +
      `_T${zone}VPK_${date}T${time}.SAFE`,
  };
}
