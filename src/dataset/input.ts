// One patch's bands → the model input tensors of a layout: each band z-scored (float64, rounded to float32),
// then resampled to the tensor's side when it differs, as the reference does (normalise first, then resize),
// and interleaved channel-last (HWC).
import { BAND_INDEX, BAND_SIDES } from "../core/bands.js";
import { REFERENCE_STATS, type BandStats } from "../core/stats.js";
import type { Core, ResampleMethod } from "../wasm/core.js";
import { LAYOUTS, type LayoutName } from "./layouts.js";

export interface InputOptions {
  layout: LayoutName;
  resample?: ResampleMethod | undefined;
  stats?: BandStats | undefined;
}

/** A float32 HWC tensor of one patch. */
export interface PatchTensor {
  name: string;
  shape: [number, number, number];
  data: Float32Array;
}

/** Builds the tensors of `layout` from 12 bands in archive order. */
export function buildInput(core: Core, bands: readonly Uint16Array[], o: InputOptions): PatchTensor[] {
  const stats = o.stats ?? REFERENCE_STATS;
  const method = o.resample ?? "tf1-bicubic";
  return LAYOUTS[o.layout].map((t) => {
    const c = t.bands.length;
    const data = new Float32Array(t.side * t.side * c);
    t.bands.forEach((band, ch) => {
      const i = BAND_INDEX[band];
      const side = BAND_SIDES[i] as number;
      const s = stats[band];
      let plane = core.normalize(bands[i] as Uint16Array, s.mean, s.std);
      if (side !== t.side) plane = core.resample(plane, side, side, t.side, t.side, method);
      for (let p = 0; p < plane.length; p++) data[p * c + ch] = plane[p] as number;
    });
    return { name: t.name, shape: [t.side, t.side, c], data };
  });
}
