// Running a model over a dataset: the mean loss, the reference's metrics, and (optionally) every prediction.
import { CLASS_COUNT_19 } from "../core/constants.js";
import type { Dataset } from "../dataset/dataset.js";
import { batchToTensors } from "../dataset/tensors.js";
import { tf, type tfl } from "../runtime/tf.js";
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

/** Evaluates `logits` (see logitsModel) on epoch 0 of `ds` (make it unshuffled for a stable order). */
export async function evaluate(logits: tfl.LayersModel, ds: Dataset, o: EvaluateOptions = {}): Promise<Evaluation> {
  const acc = new MetricAccumulator(CLASS_COUNT_19, o.threshold ?? 0.5);
  let lossSum = 0;
  let count = 0;
  for await (const batch of ds.epoch(0)) {
    const t = batchToTensors(tf, batch);
    const [lossT, probsT] = tf.tidy(() => {
      const z = logits.predict(t.inputs) as tf.Tensor;
      return [meanSigmoidCrossEntropy(t.labels, z), tf.sigmoid(z)];
    });
    const probs = (await (probsT as tf.Tensor).data()) as Float32Array;
    lossSum += ((await (lossT as tf.Tensor).data())[0] as number) * batch.size;
    tf.dispose([lossT, probsT, ...t.inputs, t.labels]);
    acc.add(batch.labels, probs, batch.size);
    count += batch.size;
    o.onBatch?.(batch.names, batch.labels, probs);
  }
  return { loss: count > 0 ? lossSum / count : Number.NaN, count, metrics: acc.result() };
}
