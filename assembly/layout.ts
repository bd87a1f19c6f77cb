// Model input in one pass per channel: z-score a band straight from the BANDS region (where decodePatch leaves
// it), resample it when the tensor's side differs from the band's, and write it into channel `channel` of the
// channel-last (HWC) tensor in OUT_F32; the mm layout's VV and VH come from the S1 region (mm.ts) the same way.
// The same arithmetic as normalize() and resample() called one after the other (so the same bits), without
// copying each band and plane across the boundary.
import {
  BAND_COUNT, CHANNEL_VH, CHANNEL_VV, MAX_LAYOUT_CHANNELS, MAX_LAYOUT_SIDE, MM_HAS_VH, MM_HAS_VV, S1_SIDE, SIDE_B01,
  SIDE_B02, SIDE_B03, SIDE_B04, SIDE_B05, SIDE_B06, SIDE_B07, SIDE_B08, SIDE_B09, SIDE_B11, SIDE_B12, SIDE_B8A,
  STATUS_BAD_ARGUMENT, STATUS_MISSING_FEATURE, STATUS_OK,
} from "../src/core/constants";
import { BANDS, COUNTS } from "./arena";
import { F_VH, F_VV } from "./keys";
import { hasMm, s1Band } from "./mm";
import { DST_F32, normalize, resample, SRC_F32, zscore2 } from "./resample";

/** The HWC tensor being built, float32, up to MAX_LAYOUT_SIDE² × MAX_LAYOUT_CHANNELS. */
export const OUT_F32: usize = memory.data(MAX_LAYOUT_SIDE * MAX_LAYOUT_SIDE * MAX_LAYOUT_CHANNELS * 4, 16);

function bandSide(b: i32): i32 {
  switch (b) {
    case 0: return SIDE_B01;
    case 1: return SIDE_B02;
    case 2: return SIDE_B03;
    case 3: return SIDE_B04;
    case 4: return SIDE_B05;
    case 5: return SIDE_B06;
    case 6: return SIDE_B07;
    case 7: return SIDE_B08;
    case 8: return SIDE_B8A;
    case 9: return SIDE_B09;
    case 10: return SIDE_B11;
    default: return SIDE_B12;
  }
}

/**
 * Writes S1 band `s` (0 VV, 1 VH) z-scored and resampled like the S2 bands: (x − mean) / std of each float32 value
 * in float64, rounded once to float32. STATUS_MISSING_FEATURE (COUNTS[3] = the feature) when the record had none.
 */
function s1Channel(s: i32, mean: f64, std: f64, outSide: i32, method: i32, dst: usize, stride: usize): i32 {
  if (!hasMm(s == 0 ? MM_HAS_VV : MM_HAS_VH)) {
    store<u32>(COUNTS + 12, s == 0 ? F_VV : F_VH);
    return STATUS_MISSING_FEATURE;
  }
  const src = s1Band(s);
  const n = S1_SIDE * S1_SIDE;
  if (S1_SIDE == outSide) {
    for (let i = 0; i < n; i++) {
      store<f32>(dst, <f32>((<f64>load<f32>(src + (<usize>i << 2)) - mean) / std));
      dst += stride;
    }
    return STATUS_OK;
  }
  for (let i = 0; i < n; i++) {
    store<f32>(SRC_F32 + (<usize>i << 2), <f32>((<f64>load<f32>(src + (<usize>i << 2)) - mean) / std));
  }
  const status = resample(S1_SIDE, S1_SIDE, outSide, outSide, method);
  if (status != STATUS_OK) return status;
  copyPlane(outSide * outSide, dst, stride);
  return STATUS_OK;
}

/** Copies the outSide² values of DST_F32 into one channel of OUT_F32, starting at dst. */
function copyPlane(n: i32, dst: usize, stride: usize): void {
  for (let i = 0; i < n; i++) {
    store<f32>(dst, load<f32>(DST_F32 + (<usize>i << 2)));
    dst += stride;
  }
}

/**
 * Writes channel `band` (0–11: an S2 band in archive order; CHANNEL_VV, CHANNEL_VH: an MM record's S1 band) of
 * the patch in BANDS, z-scored with mean/std (float64, rounded once to float32) and resampled to
 * outSide × outSide with `method` if needed, as channel `channel` of `channels`
 * in OUT_F32. Returns the status.
 */
export function layoutChannel(band: i32, mean: f64, std: f64, outSide: i32, method: i32,
  channel: i32, channels: i32): i32 {
  if (band < 0 || band > CHANNEL_VH || !(std > 0)) return STATUS_BAD_ARGUMENT;
  if (channels < 1 || channels > MAX_LAYOUT_CHANNELS || channel < 0 || channel >= channels) return STATUS_BAD_ARGUMENT;
  if (outSide < 1 || outSide > MAX_LAYOUT_SIDE) return STATUS_BAD_ARGUMENT;
  if (band >= BAND_COUNT) {
    const at = OUT_F32 + (<usize>channel << 2);
    return s1Channel(band - CHANNEL_VV, mean, std, outSide, method, at, <usize>channels << 2);
  }
  const side = bandSide(band);
  let offset = 0;
  for (let b = 0; b < band; b++) offset += bandSide(b) * bandSide(b);
  const src = BANDS + (<usize>offset << 1);
  const stride = <usize>channels << 2;
  let dst = OUT_F32 + (<usize>channel << 2);
  if (side == outSide) {
    // Every band has an even number of pixels: two z-scores per step (zscore2), stored to their channel slots.
    const n = side * side;
    const m = f64x2.splat(mean);
    const s = f64x2.splat(std);
    for (let i = 0; i < n; i += 2) {
      const z = zscore2(src + (<usize>i << 1), m, s);
      store<f32>(dst, f32x4.extract_lane(z, 0));
      store<f32>(dst + stride, f32x4.extract_lane(z, 1));
      dst += stride << 1;
    }
    return STATUS_OK;
  }
  normalize(src, side * side, mean, std, SRC_F32);
  const status = resample(side, side, outSide, outSide, method);
  if (status != STATUS_OK) return status;
  copyPlane(outSide * outSide, dst, stride);
  return STATUS_OK;
}
