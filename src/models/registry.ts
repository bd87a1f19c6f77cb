// The six reference networks, what each takes as input and how the reference trains it. Everything that
// chooses a model by name (CLI, trainer, loader) goes through MODELS.
import { inputSpecs, type InputSpec, type LayoutName } from "../contract/layouts.js";
import { modelLayout, type ModelName } from "../contract/models.js";
import "./batchnorm-train.js"; // installs the closed-form training batch norm on tfjs-layers' class
import { skipInputGradients } from "./input-conv.js";
import { kbranch } from "./kbranch.js";
import { resnet } from "./resnet.js";
import { tfl } from "../runtime/tf.js";
import { vgg } from "./vgg.js";

export { isModelName, MODEL_NAMES, type ModelName } from "../contract/models.js";

export interface ModelSpec {
  name: ModelName;
  title: string;
  /** The default input layout (build() takes another one the network accepts: contract/models.ts). */
  layout: LayoutName;
  /** The reference's batch size (bigearthnet-models-tf). */
  batchSize: number;
  /** The largest batch whose training steps and validation pass fit the wasm backend's 4 GB heap (measured on
   * 2 threads by `npm run bench:wasm-limits`); `train` refuses larger batches there and defaults to this one. */
  wasmMaxBatch: number;
  /** The network for `layout` (default: its default layout); ModelError E_MODEL_LAYOUT for one it cannot take. */
  build(seed: number, layout?: LayoutName): tfl.LayersModel;
}

/** A spec whose builder gets the input specs of the layout asked for (contract/models.ts). */
function spec(
  name: ModelName, title: string, batchSize: number, wasmMaxBatch: number,
  builder: (seed: number, inputs: readonly InputSpec[]) => tfl.LayersModel,
): ModelSpec {
  const layout = modelLayout(name);
  return {
    name, title, layout, batchSize, wasmMaxBatch,
    build: (seed, l) => skipInputGradients(builder(seed, inputSpecs(modelLayout(name, l)))),
  };
}

export const MODELS: Readonly<Record<ModelName, ModelSpec>> = {
  kbranch: spec("kbranch", "K-BranchCNN", 1000, 32, kbranch),
  vgg16: spec("vgg16", "VGG16", 1000, 4, (s, i) => vgg("vgg16", s, i)),
  vgg19: spec("vgg19", "VGG19", 1000, 3, (s, i) => vgg("vgg19", s, i)),
  resnet50: spec("resnet50", "ResNet50", 500, 12, (s, i) => resnet("resnet50", s, i)),
  resnet101: spec("resnet101", "ResNet101", 500, 4, (s, i) => resnet("resnet101", s, i)),
  resnet152: spec("resnet152", "ResNet152", 256, 4, (s, i) => resnet("resnet152", s, i)),
};

/** Number of values in a list of weights. */
export function countWeights(ws: readonly { shape: readonly (number | null)[] }[]): number {
  return ws.reduce((n, w) => n + w.shape.reduce((a: number, b) => a * (b ?? 1), 1), 0);
}

/** Parameters (trainable and not, e.g. batch-norm moving statistics) and layers of a built model. */
export function modelSize(m: tfl.LayersModel): { params: number; trainable: number; layers: number } {
  return { params: countWeights(m.weights), trainable: countWeights(m.trainableWeights), layers: m.layers.length };
}
