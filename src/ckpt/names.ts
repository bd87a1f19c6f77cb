// How the reference named each ben19 weight in its TensorFlow 1 checkpoints (docs/tf1-checkpoints.md has the
// sources). K-BranchCNN: the reference's own tf.layers scopes (CNN_10m_branch/conv_block_0/conv_layer/kernel,
// …/batch_norm/gamma, feature_fusion/fc_block_0/…, classification/fc_layer/…). VGG and ResNet: TF-Slim's vgg_16,
// vgg_19 and resnet_v1_{50,101,152} (conv1/conv1_1/weights, block1/unit_1/bottleneck_v1/conv1/BatchNorm/beta, …).
// Kernels are HWIO in both TensorFlow and tfjs; Slim's classifier is a 1×1 convolution whose [1, 1, in, out]
// kernel is ben19's [in, out] dense kernel, byte for byte.
import type { ModelName } from "../models/registry.js";

/** Where one ben19 weight comes from. */
export interface TfWeight {
  /** The checkpoint's variable name. */
  name: string;
  /** The shape the checkpoint holds (ben19's, or [1, 1, in, out] for a Slim classifier kernel). */
  shape: number[];
  /**
   * Slim's batch norm without `scale` has no gamma (resnet_arg_scope's batch_norm_scale=False in older Slim): an
   * absent gamma then means 1.
   */
  onesIfAbsent: boolean;
}

/** The variable scope that identifies each network in a checkpoint (used to infer --model). */
export const TF_SCOPES: Readonly<Record<ModelName, string>> = {
  kbranch: "CNN_10m_branch/",
  vgg16: "vgg_16/",
  vgg19: "vgg_19/",
  resnet50: "resnet_v1_50/",
  resnet101: "resnet_v1_101/",
  resnet152: "resnet_v1_152/",
};

const SLIM_WEIGHT: Readonly<Record<string, string>> = { kernel: "weights", bias: "biases" };
const BRANCHES: Readonly<Record<string, string>> = {
  b10: "CNN_10m_branch", b20: "CNN_20m_branch", b60: "CNN_60m_branch",
};

/** K-BranchCNN: ben19 layer `b10_conv2` is the reference's CNN_10m_branch/conv_block_1/conv_layer. */
function kbranch(layer: string, weight: string): string | undefined {
  if (layer === "logits") return `classification/fc_layer/${weight}`;
  const m = /^(b10|b20|b60|fusion)_(conv(\d)|fc)(_bn)?$/.exec(layer);
  if (m === null) return undefined;
  const scope = m[1] === "fusion" ? "feature_fusion" : BRANCHES[m[1] as string];
  const block = m[3] !== undefined ? `conv_block_${Number(m[3]) - 1}` : "fc_block_0";
  const part = m[4] !== undefined ? "batch_norm" : m[3] !== undefined ? "conv_layer" : "fc_layer";
  return `${scope}/${block}/${part}/${weight}`;
}

/** Slim VGG: ben19 `conv3_2` is vgg_16/conv3/conv3_2; fc6, fc7, fc8 keep their names. */
function vgg(scope: string) {
  return (layer: string, weight: string): string | undefined => {
    const w = SLIM_WEIGHT[weight];
    if (w === undefined) return undefined;
    const conv = /^conv(\d)_\d+$/.exec(layer);
    if (conv !== null) return `${scope}/conv${conv[1]}/${layer}/${w}`;
    return /^fc[678]$/.test(layer) ? `${scope}/${layer}/${w}` : undefined;
  };
}

/** Slim ResNet v1: ben19 `block2_unit3_conv1_bn` is resnet_v1_50/block2/unit_3/bottleneck_v1/conv1/BatchNorm. */
function resnet(scope: string) {
  return (layer: string, weight: string): string | undefined => {
    const m = /^(?:block(\d)_unit(\d+)_)?(conv1|conv2|conv3|shortcut|logits)(_bn)?$/.exec(layer);
    if (m === null) return undefined;
    const unit = m[1] !== undefined ? `block${m[1]}/unit_${m[2]}/bottleneck_v1/` : "";
    const w = m[4] !== undefined ? `BatchNorm/${weight}` : SLIM_WEIGHT[weight];
    return w === undefined ? undefined : `${scope}/${unit}${m[3]}/${w}`;
  };
}

const NAMERS: Readonly<Record<ModelName, (layer: string, weight: string) => string | undefined>> = {
  kbranch,
  vgg16: vgg("vgg_16"),
  vgg19: vgg("vgg_19"),
  resnet50: resnet("resnet_v1_50"),
  resnet101: resnet("resnet_v1_101"),
  resnet152: resnet("resnet_v1_152"),
};

/** The layer whose kernel is a Slim 1×1 convolution in the checkpoint and a dense kernel in ben19. */
const CONV_CLASSIFIER: Partial<Record<ModelName, string>> = {
  vgg16: "fc8", vgg19: "fc8", resnet50: "logits", resnet101: "logits", resnet152: "logits",
};

/**
 * The checkpoint variable for a ben19 weight given by its original name (`layer/weight`, e.g. `b10_conv1/kernel`)
 * and shape; undefined for a weight the reference has no counterpart of (there is none in the six networks).
 */
export function tfWeight(model: ModelName, originalName: string, shape: readonly number[]): TfWeight | undefined {
  const slash = originalName.lastIndexOf("/");
  const layer = originalName.slice(0, slash);
  const weight = originalName.slice(slash + 1);
  const name = NAMERS[model](layer, weight);
  if (name === undefined) return undefined;
  const conv = CONV_CLASSIFIER[model] === layer && weight === "kernel";
  const onesIfAbsent = model.startsWith("resnet") && weight === "gamma";
  return { name, shape: conv ? [1, 1, ...shape] : [...shape], onesIfAbsent };
}

/** Optimizer state and counters a training checkpoint also holds; never model weights. */
export function isTrainingState(name: string): boolean {
  return /\/(Adam|Adam_1|Momentum|RMSProp|RMSProp_1|ExponentialMovingAverage)$/.test(name)
    || /^(beta1_power|beta2_power)(_\d+)?$/.test(name) || name === "global_step";
}

/** The network a checkpoint holds, from its variable names; undefined when none of the six matches. */
export function inferModel(names: readonly string[]): ModelName | undefined {
  const found = (Object.keys(TF_SCOPES) as ModelName[]).filter((m) => names.some((n) => n.startsWith(TF_SCOPES[m])));
  return found.length === 1 ? found[0] : undefined;
}
