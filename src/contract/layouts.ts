// The model input layouts, as data: the one description of what a network takes, from which the builders (their
// input shapes and names), the decoders (dataset/, the WASM layout kernel) and ben19.json all derive theirs.
// kbranch: three groups at native resolution (K-BranchCNN); stack10: the VGG/ResNet input, 10 m bands then the
// 20 m bands upsampled to 120×120; stack12: all 12 bands at 120×120; mm: the multi-modal input of the reference MM
// models, stack10's 10 channels then Sentinel-1 VV and VH (z-scored with the reference's S1 statistics).
import type { ChannelName } from "../core/bands.js";
import type { ResampleMethod } from "../wasm/core.js";

export type LayoutName = "kbranch" | "stack10" | "stack12" | "mm";

/** One input tensor: its name, side (square) and channels in order. */
export interface LayoutTensor {
  name: string;
  side: number;
  bands: readonly ChannelName[];
}

const STACK10 = ["B04", "B03", "B02", "B08", "B05", "B06", "B07", "B8A", "B11", "B12"] as const;

export const LAYOUTS: Readonly<Record<LayoutName, readonly LayoutTensor[]>> = {
  kbranch: [
    { name: "10m", side: 120, bands: ["B04", "B03", "B02", "B08"] },
    { name: "20m", side: 60, bands: ["B05", "B06", "B07", "B8A", "B11", "B12"] },
    { name: "60m", side: 20, bands: ["B01", "B09"] },
  ],
  stack10: [{ name: "input", side: 120, bands: STACK10 }],
  stack12: [{
    name: "input", side: 120,
    bands: ["B01", "B02", "B03", "B04", "B05", "B06", "B07", "B08", "B8A", "B09", "B11", "B12"],
  }],
  mm: [{ name: "input", side: 120, bands: [...STACK10, "VV", "VH"] }],
};

/** How lower-resolution bands are upsampled unless the caller says otherwise: the reference's TF1 bicubic. */
export const DEFAULT_RESAMPLE: ResampleMethod = "tf1-bicubic";

/** One model input as the network and ben19.json see it: name, NHWC shape without the batch, band order. */
export interface InputSpec {
  name: string;
  shape: [number, number, number];
  bands: ChannelName[];
}

/** The input specs of a layout, in the network's input order. */
export function inputSpecs(layout: LayoutName): InputSpec[] {
  return LAYOUTS[layout].map((t) => ({ name: t.name, shape: [t.side, t.side, t.bands.length], bands: [...t.bands] }));
}

/** True when the layout takes Sentinel-1 bands, i.e. needs multi-modal records (or an S1 folder beside S2). */
export function layoutNeedsS1(layout: LayoutName): boolean {
  return LAYOUTS[layout].some((t) => t.bands.includes("VV") || t.bands.includes("VH"));
}
