// One patch's bands → the model input tensors of a layout: each band z-scored (float64, rounded to float32),
// then resampled to the tensor's side when it differs, as the reference does (normalise first, then resize),
// and interleaved channel-last (HWC).
import { CHANNEL_INDEX } from "../core/bands.js";
import { channelStat, REFERENCE_STATS, type ChannelStats } from "../core/stats.js";
import type { Core, LayoutChannel, ResampleMethod, S1Bands } from "../wasm/core.js";
import { DEFAULT_RESAMPLE, LAYOUTS, type LayoutName } from "../contract/layouts.js";

export interface InputOptions {
  layout: LayoutName;
  resample?: ResampleMethod | undefined;
  /** S2 statistics (default the reference's); VV/VH ones for the mm layout, else the reference's S1 ones. */
  stats?: ChannelStats | undefined;
}

/** A float32 HWC tensor of one patch. */
export interface PatchTensor {
  name: string;
  shape: [number, number, number];
  data: Float32Array;
}

/**
 * The channels of each tensor of a layout, with their statistics, as the core's layoutInto takes them; cached per
 * statistics object, since a batch lays out every patch with the same ones (a worker gets one copy per task).
 */
const channelCache = new WeakMap<ChannelStats, Partial<Record<LayoutName, LayoutChannel[][]>>>();
function channelsOf(layout: LayoutName, stats: ChannelStats): LayoutChannel[][] {
  let byLayout = channelCache.get(stats);
  if (byLayout === undefined) channelCache.set(stats, (byLayout = {}));
  return (byLayout[layout] ??= LAYOUTS[layout].map((t) =>
    t.bands.map((c) => ({ band: CHANNEL_INDEX[c], ...channelStat(stats, c) }))));
}

/**
 * Writes the tensors of `o.layout` for the patch whose bands are in the core (after setBands or
 * decodePatchInPlace) as element `at` of batch tensors `outs` (one per layout tensor, NHWC).
 */
export function buildInputFromCore(core: Core, o: InputOptions, outs: readonly Float32Array[], at: number): void {
  const channels = channelsOf(o.layout, o.stats ?? REFERENCE_STATS);
  LAYOUTS[o.layout].forEach((t, k) => {
    const c = t.bands.length;
    const resample = o.resample ?? DEFAULT_RESAMPLE;
    const out = outs[k] as Float32Array;
    core.layoutInto(channels[k] as LayoutChannel[], t.side, resample, out, at * t.side * t.side * c);
  });
}

/**
 * Writes the tensors of `layout` for 12 bands in archive order (and VV/VH for the mm layout) as element `at` of
 * batch tensors `outs` (one per layout tensor, NHWC): the batch path fills its buffers in place instead of copying
 * per-patch tensors.
 */
export function buildInputInto(
  core: Core, bands: readonly Uint16Array[], o: InputOptions, outs: readonly Float32Array[], at: number, s1?: S1Bands,
): void {
  core.setBands(bands);
  if (s1 !== undefined) core.setS1(s1);
  buildInputFromCore(core, o, outs, at);
}

/** Builds the tensors of `layout` from 12 bands in archive order (and VV/VH for the mm layout). */
export function buildInput(core: Core, bands: readonly Uint16Array[], o: InputOptions, s1?: S1Bands): PatchTensor[] {
  const tensors = LAYOUTS[o.layout];
  const outs = tensors.map((t) => new Float32Array(t.side * t.side * t.bands.length));
  buildInputInto(core, bands, o, outs, 0, s1);
  return tensors.map((t, k) => ({
    name: t.name, shape: [t.side, t.side, t.bands.length], data: outs[k] as Float32Array,
  }));
}
