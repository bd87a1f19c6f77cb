// The typed messages between the dataset's main thread and its decode workers. Buffers are moved, not cloned.
import type { ChannelStats } from "../core/stats.js";
import type { SerializedError } from "../core/errors.js";
import type { ResampleMethod } from "../wasm/core.js";
import type { LayoutName } from "../contract/layouts.js";

/** Decode these records (serialized Examples, each a view of its own buffer) into model input: one piece of a batch. */
export interface DecodeTask {
  records: Uint8Array[];
  /** The stored masked data CRC of each record (its TFRecord footer), checked before it is decoded. */
  crcs: number[];
  layout: LayoutName;
  resample: ResampleMethod;
  stats: ChannelStats;
  /** Also make each record's 19-class reference mask. */
  referenceMasks: boolean;
}

/** The decoded piece: per layout tensor one NHWC Float32Array of all its records, labels [n,19], names. */
export interface DecodedPiece {
  names: string[];
  inputs: Float32Array[];
  labels: Float32Array;
  /** With referenceMasks: [n, 120, 120] 19-class indices (255 unmapped). */
  masks?: Uint8Array | undefined;
  /** The first record that failed (index in the task) and why; the arrays are then incomplete. */
  error: { index: number; error: SerializedError } | null;
  /** The task's record buffers, handed back for reuse. */
  spent: ArrayBufferLike[];
  /** Wall time the decoder spent on the piece (for `train --profile`). */
  seconds: number;
}
