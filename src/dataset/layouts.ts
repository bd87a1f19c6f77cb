// The model input layouts, as data. kbranch: three groups at native resolution (K-BranchCNN); stack10: the
// VGG/ResNet input, 10 m bands then the 20 m bands upsampled to 120×120; stack12: all 12 bands at 120×120.
import type { BandName } from "../core/bands.js";

export type LayoutName = "kbranch" | "stack10" | "stack12";

/** One input tensor: its name, side (square) and channels in order. */
export interface LayoutTensor {
  name: string;
  side: number;
  bands: readonly BandName[];
}

export const LAYOUTS: Readonly<Record<LayoutName, readonly LayoutTensor[]>> = {
  kbranch: [
    { name: "10m", side: 120, bands: ["B04", "B03", "B02", "B08"] },
    { name: "20m", side: 60, bands: ["B05", "B06", "B07", "B8A", "B11", "B12"] },
    { name: "60m", side: 20, bands: ["B01", "B09"] },
  ],
  stack10: [{ name: "input", side: 120, bands: ["B04", "B03", "B02", "B08", "B05", "B06", "B07", "B8A", "B11", "B12"] }],
  stack12: [{ name: "input", side: 120, bands: ["B01", "B02", "B03", "B04", "B05", "B06", "B07", "B08", "B8A", "B09", "B11", "B12"] }],
};
