// The multi-modal (MM) regions of the arena: what decodePatch finds of a record's optional Sentinel-1 features and
// reference map, and the S1 half of layoutChannel. MM records (BigEarthNet-MM, reBEN with --s1) hold the S2
// features plus VV and VH (float_list, 120×120 dB values) and patch_name_s1/patch_name_s2 instead of patch_name.
import { MAX_NAME_BYTES, S1_PIXELS } from "../src/core/constants";

/** VV then VH, float32 × S1_PIXELS each, row-major. */
export const S1_F32: usize = memory.data(S1_PIXELS * 2 * 4, 16);
/** The reference map's CLC codes, u16 × S1_PIXELS. */
export const REFERENCE_MAP: usize = memory.data(S1_PIXELS * 2, 16);
/** The S1 patch name, UTF-8. */
export const NAME_S1: usize = memory.data(MAX_NAME_BYTES, 16);
/** u32 × 4: [0] MM flags (MM_HAS_*), [1] S1 name bytes. */
export const MM_COUNTS: usize = memory.data(16, 16);

/** Clears the flags: the MM features of the previous record (or setS1 call) are gone. */
export function clearMm(): void {
  store<u32>(MM_COUNTS, 0);
}

/** Sets flag bits in MM_COUNTS[0]. */
export function markMm(bits: u32): void {
  store<u32>(MM_COUNTS, load<u32>(MM_COUNTS) | bits);
}

/** True when every bit of `bits` is set. */
export function hasMm(bits: u32): bool {
  return (load<u32>(MM_COUNTS) & bits) == bits;
}

/** Start of S1 band `s` (0 VV, 1 VH) in S1_F32. */
export function s1Band(s: i32): usize {
  return S1_F32 + (<usize>(s * S1_PIXELS) << 2);
}
