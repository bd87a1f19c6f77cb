// The typed messages between prep's main thread and its workers. Buffers are moved, not cloned: a task's `out`
// buffer goes to the worker, comes back holding the records, and once they are written goes out with a later task.
import type { SerializedError } from "../core/errors.js";
import type { MmTask } from "./mm.js";

/** Read and encode these patches (a consecutive run of one split, in CSV order). */
export interface EncodeTask {
  /** The archive root: a folder, or the tarball (read at `ranges`, or named in messages). */
  root: string;
  names: readonly string[];
  updateJson: boolean;
  /** An uncompressed .tar: each patch's byte range [start, end) in it, null when the tarball lacks the patch. */
  ranges?: ([number, number] | null)[] | undefined;
  /** A .tar.gz: each patch's files as the main thread collected them from the stream (null: not in the tarball). */
  files?: (Map<string, Uint8Array> | null)[] | undefined;
  /**
   * A reBEN (v2.0) archive: each patch's 19-class label mask from metadata.parquet (-1: not in it). The patches then
   * lie in tile folders (<root>/<tile>/<patch>/) and have no label JSON.
   */
  masks?: number[] | undefined;
  /** MM records: each patch's Sentinel-1 partner (and reference map) to add (prep/mm.ts). */
  mm?: MmTask | undefined;
  /** A buffer to write the records into (moved; the worker allocates one when absent or too small). */
  out?: ArrayBuffer | undefined;
}

/** Size of a new records buffer: a task of 32 patches' records (≈ 160 KB each) with room for one more. */
export const RECORDS_BUFFER_BYTES = 8 << 20;

/** The framed records of one task, in task order, with what the main thread needs to account for them. */
export interface EncodedBatch {
  /** Framed TFRecord records of the patches that succeeded, concatenated in task order, at the start of a moved
   * buffer (the task's `out` when it was large enough) that the main thread may send out again once written. */
  records: Uint8Array;
  /** Bytes of each patch's record in `records`; 0 where the patch failed. */
  sizes: number[];
  /** The 19-class multi-hot vector of each patch, 19 bytes per patch (zeros where it failed). */
  multiHot: Uint8Array;
  /** Null where the patch succeeded, else why it failed. */
  errors: (SerializedError | null)[];
  /** Milliseconds spent reading files and in the encoder, for the time breakdown. */
  readMs: number;
  /** Milliseconds spent decoding TIFF strips and tiles (not part of readMs). */
  decodeMs: number;
  encodeMs: number;
}
