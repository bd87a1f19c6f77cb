// Running a model over a dataset: the mean loss, the reference's metrics, and (optionally) every prediction.
// evaluate() is the library's (and `ben19 eval`'s) whole evaluation of a saved model on TFRecord shards;
// evaluateDataset() the loop it shares with train's validation.
import { CLASS_COUNT_19 } from "../core/constants.js";
import type { Batch } from "../dataset/batch.js";
import { createDataset, type Dataset } from "../dataset/dataset.js";
import { OnnxRunner } from "../export/onnx-runner.js";
import { batchToTensors } from "../dataset/tensors.js";
import { DurableFile } from "../io/durable.js";
import { predictFolded } from "../models/fold-bn.js";
import { loadModel, type LoadedModel } from "../models/io.js";
import { tf, type tfl } from "../runtime/tf.js";
import { countRecords } from "../tfrecord/count.js";
import { logitsModel } from "./logits.js";
import { meanSigmoidCrossEntropy } from "./loss.js";
import { MetricAccumulator, type Metrics } from "./metrics/index.js";

export interface Evaluation {
  loss: number;
  count: number;
  metrics: Metrics;
}

export interface EvaluateDatasetOptions {
  threshold?: number | undefined;
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
    const z = predictFolded(model, t.inputs) as tf.Tensor;
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
export async function evaluateDataset(logits: tfl.LayersModel | OnnxRunner, ds: Dataset,
  o: EvaluateDatasetOptions = {}): Promise<Evaluation> {
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

/** What evaluate() uses for an option left out; the CLI shows these as its flags' defaults. */
export const EVAL_DEFAULTS = { batchSize: 64 } as const;

export interface EvaluateOptions {
  /** A model folder (a run folder from train, or its model/ folder), or a model loadModel() returned. */
  model: string | LoadedModel;
  /** TFRecord shards (paths or globs). */
  data: string[];
  /** Default: the model's (its ben19.json), 0.5 unless trained otherwise. */
  threshold?: number | undefined;
  batchSize?: number | undefined;
  /** Decode worker threads (default: the number of cores). */
  workers?: number | undefined;
  /** Write one CSV row per patch here (name, 19 true labels, 19 probabilities); durable, nothing on failure. */
  predictions?: string | undefined;
  /** Called after each batch with the patches done and the total. */
  onProgress?: ((done: number, total: number) => void) | undefined;
  /** Run the model in ONNX Runtime (OnnxRunner.fromModel) instead of the active tfjs backend. */
  onnx?: OnnxRunner | undefined;
}

export interface ModelEvaluation extends Evaluation {
  /** The model's metadata (ben19.json). */
  meta: LoadedModel["meta"];
  threshold: number;
}

const pad2 = (i: number): string => String(i).padStart(2, "0");

/** Evaluates a saved model on TFRecord shards, preprocessed with the model's own metadata. The tfjs backend is the
 * active one (selectBackend). */
export async function evaluate(o: EvaluateOptions): Promise<ModelEvaluation> {
  const loaded = typeof o.model === "string" ? await loadModel(o.model) : o.model;
  const { meta } = loaded;
  const threshold = o.threshold ?? meta.threshold;
  const ds = createDataset({
    files: o.data, layout: meta.layout, batchSize: o.batchSize ?? EVAL_DEFAULTS.batchSize, resample: meta.resample,
    stats: meta.normalization.stats, workers: o.workers,
  });
  const total = ds.options.files.reduce((n, file) => n + countRecords(file), 0);
  // Predictions go straight to a temporary file as batches arrive, renamed when complete.
  const preds = o.predictions === undefined ? undefined : new DurableFile(o.predictions);
  const C = meta.classes.length;
  const columns = [
    "patch_name", ...meta.classes.map((_, i) => `true_${pad2(i)}`), ...meta.classes.map((_, i) => `prob_${pad2(i)}`),
  ];
  preds?.write(`${columns.join(",")}\n`);
  let done = 0;
  try {
    const result = await evaluateDataset(o.onnx ?? logitsModel(loaded.model), ds, {
      threshold,
      onBatch: (names, labels, probs) => {
        done += names.length;
        o.onProgress?.(done, total);
        if (preds === undefined) return;
        const rows = names.map((n, i) => [n, ...Array.from(labels.subarray(i * C, (i + 1) * C), String),
          ...Array.from(probs.subarray(i * C, (i + 1) * C), (p) => p.toPrecision(7))].join(","));
        preds.write(`${rows.join("\n")}\n`);
      },
    });
    preds?.commit();
    return { ...result, meta, threshold };
  } finally {
    // A failed run leaves no partial predictions file behind (nothing to do once committed).
    preds?.abort();
    await ds.close();
  }
}
