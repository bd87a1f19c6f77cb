// Running a model over a dataset: the mean loss, the reference's metrics, and (optionally) every prediction.
import { CLASS_COUNT_19 } from "../core/constants.js";
import type { Batch } from "../dataset/batch.js";
import type { Dataset } from "../dataset/dataset.js";
import { OnnxRunner } from "../export/onnx-runner.js";
import { batchToTensors } from "../dataset/tensors.js";
import { tf, type tfl } from "../models/tf.js";
import { meanSigmoidCrossEntropy } from "./loss.js";
import { MetricAccumulator, type Metrics } from "./metrics/index.js";

export interface Evaluation {
  loss: number;
  count: number;
  metrics: Metrics;
}

export interface EvaluateOptions {
  threshold?: number;
  /** Called per batch with the patch names, true multi-hot labels and probabilities ([n, 19] row-major). */
  onBatch?: (names: readonly string[], labels: Float32Array, probs: Float32Array) => void;
}

/** The mean sigmoid cross-entropy of logits `z` against labels `y`, in the stable form loss.ts describes. */
function meanSigmoidCrossEntropyOf(y: Float32Array, z: Float32Array, count: number): number {
  let sum = 0;
  for (let i = 0; i < count; i++) {
    const x = z[i] as number;
    sum += Math.max(x, 0) - x * (y[i] as number) + Math.log1p(Math.exp(-Math.abs(x)));
  }
  return sum / count;
}

/** A batch's mean loss and probabilities [size, 19], from tfjs or from ONNX Runtime. */
async function forward(model: tfl.LayersModel | OnnxRunner, batch: Batch):
Promise<{ loss: number; probs: Float32Array }> {
  if (model instanceof OnnxRunner) {
    const inputs = batch.inputs.map((t) => t.data.subarray(0, batch.size * t.shape[1] * t.shape[2] * t.shape[3]));
    const out = await model.run(inputs, batch.size);
    const loss = meanSigmoidCrossEntropyOf(batch.labels, out.logits, batch.size * CLASS_COUNT_19);
    return { loss, probs: out.probabilities };
  }
  const t = batchToTensors(tf, batch);
  const [lossT, probsT] = tf.tidy(() => {
    const z = model.predict(t.inputs) as tf.Tensor;
    return [meanSigmoidCrossEntropy(t.labels, z), tf.sigmoid(z)];
  });
  const probs = (await (probsT as tf.Tensor).data()) as Float32Array;
  const loss = (await (lossT as tf.Tensor).data())[0] as number;
  tf.dispose([lossT, probsT, ...t.inputs, t.labels]);
  return { loss, probs };
}

/**
 * Evaluates `logits` (see logitsModel), or the model in ONNX Runtime, on epoch 0 of `ds` (make it unshuffled for a
 * stable order).
 */
export async function evaluate(logits: tfl.LayersModel | OnnxRunner, ds: Dataset, o: EvaluateOptions = {}):
Promise<Evaluation> {
  const acc = new MetricAccumulator(CLASS_COUNT_19, o.threshold ?? 0.5);
  let lossSum = 0;
  let count = 0;
  for await (const batch of ds.epoch(0)) {
    const { loss, probs } = await forward(logits, batch);
    lossSum += loss * batch.size;
    acc.add(batch.labels, probs, batch.size);
    count += batch.size;
    o.onBatch?.(batch.names, batch.labels, probs);
  }
  return { loss: count > 0 ? lossSum / count : Number.NaN, count, metrics: acc.result() };
}
