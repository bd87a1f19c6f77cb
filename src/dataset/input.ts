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

/** Writes one plane into channel `ch` of the HWC tensor of `c` channels that starts at `base` in `out`. */
function interleave(plane: Float32Array, out: Float32Array, base: number, c: number, ch: number): void {
  const n = plane.length;
  for (let p = 0, q = base + ch; p < n; p++, q += c) out[q] = plane[p] as number;
}

/**
 * Writes the tensors of `layout` for 12 bands in archive order as element `at` of batch tensors `outs` (one per
 * layout tensor, NHWC): the batch path fills its buffers in place instead of copying per-patch tensors.
 */
export function buildInputInto(core: Core, bands: readonly Uint16Array[], o: InputOptions, outs: readonly Float32Array[], at: number): void {
  const stats = o.stats ?? REFERENCE_STATS;
  const method = o.resample ?? "tf1-bicubic";
  const tensors = LAYOUTS[o.layout];
  for (let t = 0; t < tensors.length; t++) {
    const { side, bands: names } = tensors[t] as (typeof tensors)[number];
    const c = names.length;
    for (let ch = 0; ch < c; ch++) {
      const band = names[ch] as (typeof names)[number];
      const i = BAND_INDEX[band];
      const bandSide = BAND_SIDES[i] as number;
      const s = stats[band];
      let plane = core.normalize(bands[i] as Uint16Array, s.mean, s.std);
      if (bandSide !== side) plane = core.resample(plane, bandSide, bandSide, side, side, method);
      interleave(plane, outs[t] as Float32Array, at * side * side * c, c, ch);
    }
  }
}

/** Builds the tensors of `layout` from 12 bands in archive order. */
export function buildInput(core: Core, bands: readonly Uint16Array[], o: InputOptions): PatchTensor[] {
  const tensors = LAYOUTS[o.layout];
  const outs = tensors.map((t) => new Float32Array(t.side * t.side * t.bands.length));
  buildInputInto(core, bands, o, outs, 0);
  return tensors.map((t, k) => ({ name: t.name, shape: [t.side, t.side, t.bands.length], data: outs[k] as Float32Array }));
}
