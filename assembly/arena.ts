// The arena: fixed regions of static memory that the host fills and reads. Nothing is allocated at run time,
// so pointers stay valid for the life of the instance and memory never grows.
import {
  CLASS_COUNT_19, IO_BYTES, MAX_FEATURES, MAX_LABEL_BYTES, MAX_LABELS, MAX_NAME_BYTES, PATCH_PIXELS,
} from "../src/core/constants";

/** 12 bands of uint16 pixels, contiguous in band order B01 B02 B03 B04 B05 B06 B07 B08 B8A B09 B11 B12. */
export const BANDS: usize = memory.data(PATCH_PIXELS * 2, 16);
/** The patch name, UTF-8. */
export const NAME: usize = memory.data(MAX_NAME_BYTES, 16);
/** 19-class label names, UTF-8, concatenated; their byte lengths are in LABEL_LENS. */
export const LABELS: usize = memory.data(MAX_LABEL_BYTES, 16);
/** u32 byte length of each label in LABELS. */
export const LABEL_LENS: usize = memory.data(MAX_LABELS * 4, 16);
/** The 19-class multi-hot vector, one byte per class. */
export const MULTI_HOT: usize = memory.data(CLASS_COUNT_19, 16);
/** The I/O window (see IO_BYTES). */
export const IO: usize = memory.data(IO_BYTES, 16);
/** Generic decode table: per feature 6 × u32 (keyOff, keyLen, kind, payloadOff, payloadLen, count). */
export const TABLE: usize = memory.data(MAX_FEATURES * 24, 16);
/** Lengths decoded alongside the regions: [0] name bytes, [1] label count, [2] feature count, [3] detail. */
export const COUNTS: usize = memory.data(16, 16);
