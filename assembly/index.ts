// The ABI of the ben19 WASM core. Hosts fill arena regions (their offsets come from the getters below), call a
// kernel with lengths, and read results back; kernels return status codes (src/core/constants.ts), never trap
// on bad data. docs/wasm-abi.md describes each export.
import { CLASS_COUNT_19, IO_BYTES, PATCH_PIXELS } from "../src/core/constants";
import { BANDS, COUNTS, IO, LABEL_LENS, LABELS, MULTI_HOT, NAME, TABLE } from "./arena";

export { crc32cUpdate, maskCrc } from "./crc32c";
export { encodeRecord, frameInPlace } from "./example";
export { checkFrame, decodeFeatures, decodePatch } from "./decode";
export { normalize, resample } from "./resample";
export { layoutChannel } from "./layout";
import { OUT_F32 } from "./layout";
import { DST_F32, SRC_F32 } from "./resample";
import { MM_COUNTS, NAME_S1, REFERENCE_MAP, S1_F32 } from "./mm";

/** ABI version: bumped whenever an export or the arena layout changes meaning. */
export function abiVersion(): i32 {
  return 4;
}
/** Pixels of one patch (12 bands), so a host can check it talks to a matching core. */
export function patchPixels(): i32 {
  return PATCH_PIXELS;
}
/** Classes of the multi-hot vector. */
export function classCount(): i32 {
  return CLASS_COUNT_19;
}
/** Offset of the BANDS region (u16 × patchPixels, band order B01 … B8A B09 B11 B12). */
export function bandsPtr(): usize {
  return BANDS;
}
/** Offset of the NAME region (UTF-8 patch name). */
export function namePtr(): usize {
  return NAME;
}
/** Offset of the LABELS region (UTF-8 label names, concatenated). */
export function labelsPtr(): usize {
  return LABELS;
}
/** Offset of LABEL_LENS (u32 byte length per label). */
export function labelLensPtr(): usize {
  return LABEL_LENS;
}
/** Offset of MULTI_HOT (u8 × classCount). */
export function multiHotPtr(): usize {
  return MULTI_HOT;
}
/** Offset of the I/O window. */
export function ioPtr(): usize {
  return IO;
}
/** Bytes of the I/O window. */
export function ioCapacity(): i32 {
  return IO_BYTES;
}
/** Offset of the generic feature table (6 × u32 per row). */
export function tablePtr(): usize {
  return TABLE;
}
/** Offset of COUNTS (u32: name bytes, label count, feature rows, status detail). */
export function countsPtr(): usize {
  return COUNTS;
}
/** Offset of SRC_F32 (float32 × maxResampleSide², the image to resample). */
export function srcF32Ptr(): usize {
  return SRC_F32;
}
/** Offset of DST_F32 (float32 × maxResampleSide², the resampled image). */
export function dstF32Ptr(): usize {
  return DST_F32;
}
/** Offset of OUT_F32 (float32 × maxLayoutSide² × maxLayoutChannels, the HWC tensor layoutChannel builds). */
export function outF32Ptr(): usize {
  return OUT_F32;
}
/** Offset of S1_F32 (float32 × 14400 VV, then 14400 VH: an MM record's Sentinel-1 bands). */
export function s1Ptr(): usize {
  return S1_F32;
}
/** Offset of REFERENCE_MAP (u16 × 14400 CLC codes of a record's reference map). */
export function referenceMapPtr(): usize {
  return REFERENCE_MAP;
}
/** Offset of NAME_S1 (UTF-8 S1 patch name of an MM record). */
export function nameS1Ptr(): usize {
  return NAME_S1;
}
/** Offset of MM_COUNTS (u32: MM flags MM_HAS_*, S1 name bytes); a host that fills S1_F32 sets the flags. */
export function mmCountsPtr(): usize {
  return MM_COUNTS;
}
