// Per-band normalisation statistics. The defaults are the reference's (bigearthnet-models-tf, as listed in
// ../shared/bigearthnet/FACTS.md): mean and standard deviation of the raw values over the training archive.
import type { BandName, ChannelName, S1BandName } from "./bands.js";
import { S1_VH_MEAN, S1_VH_STD, S1_VV_MEAN, S1_VV_STD } from "./constants.js";

export interface BandStat {
  mean: number;
  std: number;
}
export type BandStats = Readonly<Record<BandName, BandStat>>;

export const REFERENCE_STATS: BandStats = {
  B01: { mean: 340.76769064, std: 554.81258967 },
  B02: { mean: 429.9430203, std: 572.41639287 },
  B03: { mean: 614.21682446, std: 582.87945694 },
  B04: { mean: 590.23569706, std: 675.88746967 },
  B05: { mean: 950.68368468, std: 729.89827633 },
  B06: { mean: 1792.46290469, std: 1096.01480586 },
  B07: { mean: 2075.46795189, std: 1273.45393088 },
  B08: { mean: 2218.94553375, std: 1365.45589904 },
  B8A: { mean: 2266.46036911, std: 1356.13789355 },
  B09: { mean: 2246.0605464, std: 1302.3292881 },
  B11: { mean: 1594.42694882, std: 1079.19066363 },
  B12: { mean: 1009.32729131, std: 818.86747235 },
};

/** The reference MM models' Sentinel-1 statistics (dB values; V2-AND-S1.md), shared with the core's constants. */
export const S1_REFERENCE_STATS: Readonly<Record<S1BandName, BandStat>> = {
  VV: { mean: S1_VV_MEAN, std: S1_VV_STD },
  VH: { mean: S1_VH_MEAN, std: S1_VH_STD },
};

/** S2 statistics, optionally with VV/VH ones (from `ben19 stats` on MM records); the reference's fill the gaps. */
export type ChannelStats = BandStats & Partial<Readonly<Record<S1BandName, BandStat>>>;

/** The statistics of one channel: the given ones, or for VV/VH the reference's when none are given. */
export function channelStat(stats: ChannelStats, c: ChannelName): BandStat {
  return (stats as Partial<Record<ChannelName, BandStat>>)[c] ?? S1_REFERENCE_STATS[c as S1BandName];
}
