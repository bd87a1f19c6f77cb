// A batch as tfjs tensors, for the trainer. tfjs-core is passed in (the caller has already chosen and set up a
// backend), so the dataset itself never loads tfjs.
import type * as tfc from "@tensorflow/tfjs-core";
import { CLASS_COUNT_19 } from "../core/constants.js";
import type { Batch } from "./batch.js";

export interface BatchTensors {
  /** One float32 NHWC tensor per layout input, in layout order (the model's input order). */
  inputs: tfc.Tensor4D[];
  /** The same tensors by layout input name (e.g. 10m, 20m, 60m for kbranch; input for stack10/stack12). */
  byName: Record<string, tfc.Tensor4D>;
  /** Multi-hot labels, float32 [size, 19]. */
  labels: tfc.Tensor2D;
}

/** Makes tensors over the batch's arrays; the caller disposes them (tf.dispose(Object.values(...)) or tf.tidy). */
export function batchToTensors(tf: typeof tfc, batch: Batch): BatchTensors {
  const inputs = batch.inputs.map((t) => tf.tensor4d(t.data, t.shape, "float32"));
  const byName = Object.fromEntries(batch.inputs.map((t, k) => [t.name, inputs[k] as tfc.Tensor4D]));
  return { inputs, byName, labels: tf.tensor2d(batch.labels, [batch.size, CLASS_COUNT_19], "float32") };
}
