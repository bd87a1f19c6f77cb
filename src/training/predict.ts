// Prediction with a saved model on raw inputs: patch folders (the 12 GeoTIFFs; no label file needed; for an mm
// model each followed by its Sentinel-1 folder) or TFRecord files (every record; MM records for an mm model). Each
// patch is preprocessed with the model's own metadata (layout, statistics, resampling),
// so prediction can never differ from training in preprocessing.
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { labelFileName, patchNameInDir, readPatchDir } from "../archive/patch.js";
import { readS1Dir, s1BandFileName } from "../archive/s1.js";
import { CLASS_COUNT_19 } from "../core/constants.js";
import { buildInputInto } from "../dataset/input.js";
import { multiHot19, names19 } from "../labels/convert.js";
import { LABELS_19 } from "../labels/nomenclature.js";
import type { OnnxRunner } from "../export/onnx-runner.js";
import { predictFolded } from "../models/fold-bn.js";
import type { LoadedModel } from "../models/io.js";
import { tf } from "../runtime/tf.js";
import { Ben19Error, OptionError } from "../core/errors.js";
import { readRecords } from "../tfrecord/reader.js";
import { decodeAt } from "../tfrecord/schema.js";
import { createCore, type Core, type S1Bands } from "../wasm/core.js";

export interface Prediction {
  patch: string;
  /** Where it came from: the patch folder, or `file#record`. */
  source: string;
  /** The 19 class probabilities in class order. */
  probabilities: number[];
  /** Classes with probability ≥ threshold, most probable first. */
  labels: { name: string; probability: number }[];
  /** The known 19-class labels: the record's, or the folder's label file's when it has one. */
  trueLabels?: string[];
}

interface PatchInput {
  patch: string;
  source: string;
  bands: Uint16Array[];
  /** VV and VH of an MM record, for the mm layout. */
  s1?: S1Bands | undefined;
  trueLabels?: string[];
}

/** What predict does with an input that cannot be read as a patch folder or a TFRecord file. */
export type PredictOnError = "fail" | "skip";

export interface PredictOptions {
  /** Probability at which a label is predicted (default: the model's). */
  threshold?: number | undefined;
  /** Patches per forward pass (default PREDICT_DEFAULTS.batchSize). */
  batchSize?: number | undefined;
  /** "fail" (default): the first unreadable input ends the run; "skip": it is reported to onSkip and left out. */
  onError?: PredictOnError | undefined;
  onSkip?: ((input: string, error: Ben19Error) => void) | undefined;
  /** Run the model with ONNX Runtime (`--backend onnx`) instead of tfjs. */
  onnx?: OnnxRunner | undefined;
}

async function* patchesOfInput(input: string, core: Core): AsyncGenerator<PatchInput> {
  if (statSync(input).isDirectory()) {
    // The folder's name need not be the patch's: the patch is found by its band files. The label file is
    // optional for prediction; when present, its labels are shown beside the prediction.
    const name = patchNameInDir(input);
    const labels = existsSync(join(input, labelFileName(name)));
    const p = await readPatchDir(input, { labels }, name);
    const truth = p.labels43 !== undefined ? { trueLabels: names19(multiHot19(p.labels43)) } : {};
    yield { patch: p.name, source: input, bands: p.bands, ...truth };
    return;
  }
  for await (const r of readRecords(input, core)) {
    const p = decodeAt(core, r.data, { file: input, record: r.index, offset: r.offset });
    const trueLabels = LABELS_19.filter((_, i) => p.multiHot[i] === 1);
    yield { patch: p.patchName, source: `${input}#${r.index}`, bands: p.bands, s1: p.s1, trueLabels };
  }
}

/** The S1 patch of a folder holding `<name>_VV.tif` (a Sentinel-1 patch folder), or undefined. */
function s1NameInDir(dir: string | undefined): string | undefined {
  if (dir === undefined || !statSync(dir).isDirectory()) return undefined;
  const suffix = s1BandFileName("", "VV");
  return readdirSync(dir).find((f) => f.endsWith(suffix))?.slice(0, -suffix.length);
}

/**
 * The patches of the inputs in order. An S2 patch folder followed by a Sentinel-1 patch folder is one multi-modal
 * patch (its VV/VH for the mm layout); an S1 folder anywhere else is an error.
 */
async function* patchesOf(inputs: readonly string[], core: Core, o: PredictOptions): AsyncGenerator<PatchInput> {
  for (let i = 0; i < inputs.length; i++) {
    const input = inputs[i] as string;
    try {
      if (s1NameInDir(input) !== undefined) {
        throw new OptionError("INPUTS", input,
          "is a Sentinel-1 patch folder with no S2 patch folder before it: give each pair as S2FOLDER S1FOLDER");
      }
      const next = statSync(input).isDirectory() ? inputs[i + 1] : undefined;
      const s1Name = s1NameInDir(next);
      for await (const p of patchesOfInput(input, core)) {
        if (s1Name !== undefined) {
          const s1 = await readS1Dir(next as string, s1Name);
          p.s1 = { vv: s1.vv, vh: s1.vh };
          p.source = `${input} + ${next as string}`;
        }
        yield p;
      }
      if (s1Name !== undefined) i++;
    } catch (e) {
      // Only known input errors are skipped: a bug still ends the run.
      if (o.onError !== "skip" || !(e instanceof Ben19Error)) throw e;
      o.onSkip?.(input, e);
    }
  }
}

/** The probabilities [n, 19] of a batch of `n` patches (NHWC buffers in the model's input order). */
async function forward(loaded: LoadedModel, outs: Float32Array[], n: number, onnx: OnnxRunner | undefined):
Promise<Float32Array> {
  if (onnx !== undefined) return (await onnx.run(outs, n)).probabilities;
  const xs = loaded.meta.inputs.map((input, k) => tf.tensor4d(outs[k] as Float32Array, [n, ...input.shape]));
  const probsT = predictFolded(loaded.model, xs) as tf.Tensor;
  const probs = (await probsT.data()) as Float32Array;
  tf.dispose([probsT, ...xs]);
  return probs;
}


/** What predict() uses for an option left out; the CLI shows these as its flags' defaults. */
export const PREDICT_DEFAULTS = { batchSize: 32 } as const;

/** Predicts every patch of `inputs` with `loaded` (see loadModel), `batchSize` patches at a time, in input order. */
export async function* predict(
  loaded: LoadedModel, inputs: readonly string[], o: PredictOptions = {},
): AsyncGenerator<Prediction> {
  const core = await createCore();
  const { meta } = loaded;
  const threshold = o.threshold ?? meta.threshold;
  const batchSize = o.batchSize ?? PREDICT_DEFAULTS.batchSize;
  let pending: PatchInput[] = [];
  const flush = async function* (): AsyncGenerator<Prediction> {
    if (pending.length === 0) return;
    // Each patch is laid out straight into the batch buffers, as the training pipeline does.
    const outs = meta.inputs.map((input) =>
      new Float32Array(pending.length * input.shape[0] * input.shape[1] * input.shape[2]));
    const how = { layout: meta.layout, resample: meta.resample, stats: meta.normalization.stats };
    pending.forEach((p, i) => buildInputInto(core, p.bands, how, outs, i, p.s1));
    const probs = await forward(loaded, outs, pending.length, o.onnx);
    for (const [i, p] of pending.entries()) {
      const row = Array.from(probs.subarray(i * CLASS_COUNT_19, (i + 1) * CLASS_COUNT_19));
      const labels = row.map((probability, c) => ({ name: LABELS_19[c] as string, probability }))
        .filter((l) => l.probability >= threshold).sort((a, b) => b.probability - a.probability);
      const truth = p.trueLabels !== undefined ? { trueLabels: p.trueLabels } : {};
      yield { patch: p.patch, source: p.source, probabilities: row, labels, ...truth };
    }
    pending = [];
  };
  for await (const p of patchesOf(inputs, core, o)) {
    pending.push(p);
    if (pending.length >= batchSize) yield* flush();
  }
  yield* flush();
}
