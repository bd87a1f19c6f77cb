// Decoded pieces → batches. A batch of one piece (the usual case: batch ≤ piece size) takes the worker's moved
// buffers as they are; a larger batch is copied together piece by piece, in order.
import { CLASS_COUNT_19, S1_PIXELS } from "../core/constants.js";
import { reviveError } from "../core/errors.js";
import { LAYOUTS, type LayoutName } from "../contract/layouts.js";
import type { DecodedPiece } from "./protocol.js";
import type { RawPiece } from "./source.js";

/** One input tensor of a batch, float32 NHWC. */
export interface BatchInput {
  name: string;
  shape: [number, number, number, number];
  data: Float32Array;
}

/** A batch ready for training: one tensor per layout input, the 19-class multi-hot labels [size, 19], names. */
export interface Batch {
  /** 0-based batch number within its epoch (counting skipped batches). */
  index: number;
  size: number;
  names: string[];
  inputs: BatchInput[];
  labels: Float32Array;
  /** With the referenceMasks option: [size, 120, 120] 19-class indices per pixel (255: no class). */
  masks?: Uint8Array;
}

/** A piece with what the decoder made of it. */
export interface PieceResult {
  piece: RawPiece;
  result: DecodedPiece;
}

/** The batch tensors of `layout` for `size` records: the given arrays, or new zeroed ones. */
function inputsOf(layout: LayoutName, size: number, data?: readonly Float32Array[]): BatchInput[] {
  return LAYOUTS[layout].map((t, k) => ({
    name: t.name,
    shape: [size, t.side, t.side, t.bands.length],
    data: data?.[k] ?? new Float32Array(size * t.side * t.side * t.bands.length),
  }));
}

/** Yields each batch once its last piece is in; throws the first record error, naming its shard and record. */
export async function* assembleBatches(pieces: AsyncIterable<PieceResult>, layout: LayoutName): AsyncGenerator<Batch> {
  let cur: Batch | undefined;
  for await (const { piece, result } of pieces) {
    if (result.error !== null) {
      const { index, error } = result.error;
      throw reviveError({ ...error, ...(piece.records[index] as (typeof piece.records)[number]).place });
    }
    const { batch: index, batchSize: size, at } = piece;
    if (at === 0 && piece.records.length === size) {
      const inputs = inputsOf(layout, size, result.inputs);
      const whole: Batch = { index, size, names: result.names, inputs, labels: result.labels };
      if (result.masks !== undefined) whole.masks = result.masks;
      yield whole;
      continue;
    }
    if (at === 0) {
      cur = { index, size, names: [], inputs: inputsOf(layout, size), labels: new Float32Array(size * CLASS_COUNT_19) };
      if (result.masks !== undefined) cur.masks = new Uint8Array(size * S1_PIXELS);
    }
    const b = cur as Batch;
    if (result.masks !== undefined) b.masks?.set(result.masks, at * S1_PIXELS);
    b.inputs.forEach((t, k) => t.data.set(result.inputs[k] as Float32Array, (t.data.length / size) * at));
    b.labels.set(result.labels, at * CLASS_COUNT_19);
    b.names.push(...result.names);
    if (at + piece.records.length === size) yield b;
  }
}
