// A TFRecord frame's 12-byte header, checked the same way by every reader (tfrecord/reader.ts, dataset/frames.ts).
import { TFRECORD_HEADER_BYTES } from "../core/constants.js";
import type { Core } from "../wasm/core.js";

/** Throws the reader's CorruptRecordError (which names file, record and offset) for `code` with `message`. */
export type FrameFailure = (code: string, message: string) => never;

/** The data length a header announces, after its masked CRC checks out and the length is one a file can hold. */
export function checkedRecordLength(header: Uint8Array, core: Core, fail: FrameFailure): number {
  const view = new DataView(header.buffer, header.byteOffset, TFRECORD_HEADER_BYTES);
  if (view.getUint32(8, true) !== core.maskedCrc32c(header.subarray(0, 8))) {
    fail("E_BAD_LENGTH_CRC", "the CRC of the record length does not match");
  }
  const len = view.getBigUint64(0, true);
  if (len > BigInt(Number.MAX_SAFE_INTEGER)) fail("E_BAD_LENGTH", `record length ${len} is impossible`);
  return Number(len);
}
