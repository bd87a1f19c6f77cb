// Multi-modal (MM) test records, made with the independent encoder (example-proto.ts) from the schema of
// V2-AND-S1.md: plausible S2 values, VV/VH around the reference's S1 means, labels cycling through the classes.
import { BAND_PIXELS } from "../../src/core/bands.js";
import { S1_PIXELS } from "../../src/core/constants.js";
import { TFRecordWriter } from "../../src/tfrecord/writer.js";
import { encodeMm, type MmExample } from "./example-proto.js";

/** A deterministic MM patch: i picks its values, names and labels; `referenceMap` is added as given. */
export function mmPatch(i: number, referenceMap?: Uint16Array): MmExample {
  let s = (i + 1) * 2654435761;
  const next = (): number => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const bands = BAND_PIXELS.map((n) => Uint16Array.from({ length: n }, () => Math.floor(next() * 4000)));
  const db = (mean: number): Float32Array => Float32Array.from({ length: S1_PIXELS }, () => mean + (next() - 0.5) * 20);
  const multiHot = Array.from({ length: 19 }, (_, k) => (k === i % 19 || k === (i * 7 + 3) % 19 ? 1 : 0));
  const x: MmExample = {
    patchName: `S2A_MSIL2A_20170613T101031_${i}_${i + 1}`,
    s1Name: `S1A_IW_GRDH_1SDV_20170613T165043_33UUP_${i}_${i + 1}`,
    bands, multiHot, vv: db(-12.6), vh: db(-19.3),
  };
  if (referenceMap !== undefined) x.referenceMap = referenceMap;
  return x;
}

/** Writes the patches as one TFRecord file of MM records. */
export async function writeMmShard(file: string, patches: readonly MmExample[]): Promise<void> {
  const w = await TFRecordWriter.create(file);
  for (const p of patches) w.write(encodeMm(p));
  w.close();
}
