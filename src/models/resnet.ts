// ResNet v1 50/101/152 as TF-Slim's resnet_v1 on the stack10 input (120×120×10). Root: 7×7/2 convolution with
// batch norm and ReLU, 3×3/2 max-pool (`same`). Bottleneck units (1×1 → 3×3 → 1×1, depth = 4 × bottleneck
// depth); the stride-2 unit is the last unit of blocks 1–3 and carries its stride on the 3×3 convolution
// (spatial 30 → 15 → 8 → 4 → 4). A shortcut is a 1×1 projection (with batch norm) only where the depth changes,
// otherwise the identity, subsampled by a 1×1 max-pool where the unit strides. Strided convolutions use Slim's
// conv2d_same: explicit symmetric zero padding, then `valid` (tfjs's `same` would pad asymmetrically).
// Convolutions have no bias (batch norm follows); batch norm as Slim's resnet_arg_scope: decay 0.997,
// epsilon 1e-5; weights He truncated normal. Global average pooling, then 19 logits → sigmoid.
import type { SymbolicTensor } from "@tensorflow/tfjs-layers";
import type { InputSpec } from "../contract/layouts.js";
import { head } from "./head.js";
import { seeds, type Seeds } from "./init.js";
import { modelInputs } from "./inputs.js";
import { tfl } from "../runtime/tf.js";

/** Units per block: Slim's resnet_v1_50/101/152. */
export const RESNET_UNITS = { resnet50: [3, 4, 6, 3], resnet101: [3, 4, 23, 3], resnet152: [3, 8, 36, 3] } as const;
const BOTTLENECK = [64, 128, 256, 512];

const apply = (
  layer: { apply: (x: SymbolicTensor | SymbolicTensor[]) => unknown }, x: SymbolicTensor | SymbolicTensor[],
): SymbolicTensor =>
  layer.apply(x) as SymbolicTensor;

/** Slim conv2d (or conv2d_same when strided) → batch norm → optional ReLU. */
function convBn(
  s: Seeds, x: SymbolicTensor, filters: number, size: number, stride: number, relu: boolean, name: string,
): SymbolicTensor {
  let y = x;
  if (stride > 1 && size > 1) {
    const total = size - 1;
    const beg = Math.floor(total / 2);
    y = apply(tfl.layers.zeroPadding2d({ padding: [[beg, total - beg], [beg, total - beg]], name: `${name}_pad` }), y);
  }
  y = apply(tfl.layers.conv2d({
    filters, kernelSize: size, strides: stride, padding: stride > 1 && size > 1 ? "valid" : "same",
    useBias: false, kernelInitializer: s.he(), name,
  }), y);
  y = apply(tfl.layers.batchNormalization({ momentum: 0.997, epsilon: 1e-5, name: `${name}_bn` }), y);
  return relu ? apply(tfl.layers.activation({ activation: "relu", name: `${name}_relu` }), y) : y;
}

function bottleneck(
  s: Seeds, x: SymbolicTensor, depthIn: number, base: number, stride: number, name: string,
): SymbolicTensor {
  const depth = base * 4;
  const shortcut = depth === depthIn
    ? (stride === 1
      ? x
      : apply(tfl.layers.maxPooling2d({ poolSize: 1, strides: stride, padding: "same", name: `${name}_subsample` }), x))
    : convBn(s, x, depth, 1, stride, false, `${name}_shortcut`);
  let r = convBn(s, x, base, 1, 1, true, `${name}_conv1`);
  r = convBn(s, r, base, 3, stride, true, `${name}_conv2`);
  r = convBn(s, r, depth, 1, 1, false, `${name}_conv3`);
  const sum = apply(tfl.layers.add({ name: `${name}_add` }), [shortcut, r]);
  return apply(tfl.layers.activation({ activation: "relu", name: `${name}_out` }), sum);
}

export function resnet(name: keyof typeof RESNET_UNITS, seed: number, inputs: readonly InputSpec[]): tfl.LayersModel {
  const s = seeds(seed);
  const [input] = modelInputs(inputs, 1, name) as [SymbolicTensor];
  let x = convBn(s, input, 64, 7, 2, true, "conv1");
  x = apply(tfl.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: "same", name: "pool1" }), x);
  let depthIn = 64;
  RESNET_UNITS[name].forEach((units, b) => {
    const base = BOTTLENECK[b] as number;
    for (let u = 1; u <= units; u++) {
      const stride = u === units && b < 3 ? 2 : 1;
      x = bottleneck(s, x, depthIn, base, stride, `block${b + 1}_unit${u}`);
      depthIn = base * 4;
    }
  });
  x = apply(tfl.layers.globalAveragePooling2d({ name: "global_pool" }), x);
  const out = head(x, s.he(), "logits");
  return tfl.model({ inputs: input, outputs: out, name });
}
