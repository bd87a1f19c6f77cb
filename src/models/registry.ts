// The six reference networks, what each takes as input and how the reference trains it. Everything that
// chooses a model by name (CLI, trainer, loader) goes through MODELS.
import type { LayoutName } from "../dataset/layouts.js";
import { kbranch } from "./kbranch.js";
import { resnet } from "./resnet.js";
import { tfl } from "../runtime/tf.js";
import { vgg } from "./vgg.js";

export const MODEL_NAMES = ["kbranch", "vgg16", "vgg19", "resnet50", "resnet101", "resnet152"] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

export interface ModelSpec {
  name: ModelName;
  title: string;
  layout: LayoutName;
  /** The reference's batch size (bigearthnet-models-tf). */
  batchSize: number;
  /** The largest batch whose training steps and validation pass fit the wasm backend's 4 GB heap (measured on
   * 2 threads by `npm run bench:wasm-limits`); `train` refuses larger batches there and defaults to this one. */
  wasmMaxBatch: number;
  build(seed: number): tfl.LayersModel;
}

export const MODELS: Readonly<Record<ModelName, ModelSpec>> = {
  kbranch: { name: "kbranch", title: "K-BranchCNN", layout: "kbranch", batchSize: 1000, wasmMaxBatch: 32, build: kbranch },
  vgg16: { name: "vgg16", title: "VGG16", layout: "stack10", batchSize: 1000, wasmMaxBatch: 4, build: (s) => vgg("vgg16", s) },
  vgg19: { name: "vgg19", title: "VGG19", layout: "stack10", batchSize: 1000, wasmMaxBatch: 3, build: (s) => vgg("vgg19", s) },
  resnet50: { name: "resnet50", title: "ResNet50", layout: "stack10", batchSize: 500, wasmMaxBatch: 12, build: (s) => resnet("resnet50", s) },
  resnet101: { name: "resnet101", title: "ResNet101", layout: "stack10", batchSize: 500, wasmMaxBatch: 4, build: (s) => resnet("resnet101", s) },
  resnet152: { name: "resnet152", title: "ResNet152", layout: "stack10", batchSize: 256, wasmMaxBatch: 4, build: (s) => resnet("resnet152", s) },
};

export function isModelName(s: string): s is ModelName {
  return (MODEL_NAMES as readonly string[]).includes(s);
}

/** Number of values in a list of weights. */
export function countWeights(ws: readonly { shape: readonly (number | null)[] }[]): number {
  return ws.reduce((n, w) => n + w.shape.reduce((a: number, b) => a * (b ?? 1), 1), 0);
}

/** Parameters (trainable and not, e.g. batch-norm moving statistics) and layers of a built model. */
export function modelSize(m: tfl.LayersModel): { params: number; trainable: number; layers: number } {
  return { params: countWeights(m.weights), trainable: countWeights(m.trainableWeights), layers: m.layers.length };
}
