// The 12 Sentinel-2 bands of a BigEarthNet-S2 patch in archive order (the order of the files and of every
// `bands` array in ben19). The TFRecord feature keys sort differently (B8A after B12); only the encoder cares.
import {
  CHANNEL_VH, CHANNEL_VV, SIDE_B01, SIDE_B02, SIDE_B03, SIDE_B04, SIDE_B05, SIDE_B06,
  SIDE_B07, SIDE_B08, SIDE_B8A, SIDE_B09, SIDE_B11, SIDE_B12,
} from "./constants.js";

export const BAND_NAMES = ["B01", "B02", "B03", "B04", "B05", "B06", "B07", "B08", "B8A", "B09", "B11", "B12"] as const;
export type BandName = (typeof BAND_NAMES)[number];

/** Side in pixels of each band, in BAND_NAMES order (120 for 10 m, 60 for 20 m, 20 for 60 m). */
export const BAND_SIDES: readonly number[] = [
  SIDE_B01, SIDE_B02, SIDE_B03, SIDE_B04, SIDE_B05, SIDE_B06,
  SIDE_B07, SIDE_B08, SIDE_B8A, SIDE_B09, SIDE_B11, SIDE_B12,
];

/** Pixels of each band, in BAND_NAMES order. */
export const BAND_PIXELS: readonly number[] = BAND_SIDES.map((s) => s * s);

/** Index of a band name in BAND_NAMES. */
export const BAND_INDEX: Readonly<Record<BandName, number>> = Object.fromEntries(
  BAND_NAMES.map((b, i) => [b, i]),
) as Record<BandName, number>;

/** The two Sentinel-1 bands of a multi-modal (MM) record. */
export const S1_BAND_NAMES = ["VV", "VH"] as const;
export type S1BandName = (typeof S1_BAND_NAMES)[number];

/** A channel of a model input: an S2 band, or (mm layout) an S1 band. */
export type ChannelName = BandName | S1BandName;

/** The core's channel number of each channel name: S2 bands 0–11 in archive order, then VV and VH. */
export const CHANNEL_INDEX: Readonly<Record<ChannelName, number>> = { ...BAND_INDEX, VV: CHANNEL_VV, VH: CHANNEL_VH };

export function isS1Band(c: ChannelName): c is S1BandName {
  return c === "VV" || c === "VH";
}
