// CORINE Land Cover level-3 codes, the pixel values of reBEN's reference maps, and the per-pixel 19-class mask made
// from them. The 43 codes are in the order of LABELS_43 (V2-AND-S1.md), so TARGET_19 maps a code to its class.
import { MASK_UNMAPPED, S1_PIXELS } from "../core/constants.js";
import { TARGET_19 } from "./nomenclature.js";

/** The CLC level-3 code of each 43-class label, in LABELS_43 order. */
export const CLC_CODES_43: readonly number[] = [
  111, 112, 121, 122, 123, 124, 131, 132, 133, 141, 142, 211, 212, 213, 221, 222, 223, 231, 241, 242, 243, 244,
  311, 312, 313, 321, 322, 323, 324, 331, 332, 333, 334, 411, 412, 421, 422, 423, 511, 512, 521, 522, 523,
];

/** 19-class index of every u16 code: the 43→19 table for the 43 codes, MASK_UNMAPPED for the rest (0 = NoData). */
const CODE_TO_19: Uint8Array = (() => {
  const t = new Uint8Array(65536).fill(MASK_UNMAPPED);
  CLC_CODES_43.forEach((code, i43) => {
    const c = TARGET_19[i43] as number;
    if (c >= 0) t[code] = c;
  });
  return t;
})();

/** The 19-class index of a CLC code, or MASK_UNMAPPED (255) when it maps to none (or is no CLC code). */
export function clcTo19(code: number): number {
  return Number.isInteger(code) && code >= 0 && code < CODE_TO_19.length ? (CODE_TO_19[code] as number) : MASK_UNMAPPED;
}

/** Writes the 19-class mask of a reference map (14,400 codes) into out at offset (uint8, 255 = unmapped). */
export function referenceMask(codes: Uint16Array, out: Uint8Array, offset = 0): void {
  if (codes.length !== S1_PIXELS) throw new RangeError(`referenceMask: expected ${S1_PIXELS} codes, got ${codes.length}`);
  for (let i = 0; i < S1_PIXELS; i++) out[offset + i] = CODE_TO_19[codes[i] as number] as number;
}
