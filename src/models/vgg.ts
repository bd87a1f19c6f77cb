// VGG16 and VGG19 as TF-Slim's vgg_16/vgg_19 on the stack10 input (120×120×10): blocks of 3×3 convolutions
// with ReLU (no batch norm), each followed by a 2×2 max-pool (120 → 60 → 30 → 15 → 7 → 3); fc6 as a 7×7
// convolution with 4096 filters and `same` padding, dropout 0.5, fc7 as a 1×1·4096 convolution, global average
// pooling, dropout 0.5, and fc8 → sigmoid. fc8 is a 1×1 convolution on the pooled 1×1 map in Slim; here it is
// the equivalent dense layer (same weights, same parameter count).
import type { SymbolicTensor } from "@tensorflow/tfjs-layers";
import type { InputSpec } from "../contract/layouts.js";
import { SeededDropout } from "./dropout.js";
import { head } from "./head.js";
import { seeds } from "./init.js";
import { modelInputs } from "./inputs.js";
import { tfl } from "../runtime/tf.js";

/** Convolutions per block: Slim's vgg_16 and vgg_19. */
export const VGG_BLOCKS = { vgg16: [2, 2, 3, 3, 3], vgg19: [2, 2, 4, 4, 4] } as const;
const WIDTHS = [64, 128, 256, 512, 512];

export function vgg(name: keyof typeof VGG_BLOCKS, seed: number, inputs: readonly InputSpec[]): tfl.LayersModel {
  const s = seeds(seed);
  const [input] = modelInputs(inputs, 1, name) as [SymbolicTensor];
  const conv = (x: SymbolicTensor, filters: number, size: number, layer: string): SymbolicTensor =>
    tfl.layers.conv2d({
      filters, kernelSize: size, padding: "same", activation: "relu", kernelInitializer: s.glorot(), name: layer,
    }).apply(x) as SymbolicTensor;
  let x = input;
  VGG_BLOCKS[name].forEach((convs, b) => {
    for (let i = 1; i <= convs; i++) x = conv(x, WIDTHS[b] as number, 3, `conv${b + 1}_${i}`);
    x = tfl.layers.maxPooling2d({ poolSize: 2, name: `pool${b + 1}` }).apply(x) as SymbolicTensor;
  });
  x = conv(x, 4096, 7, "fc6");
  x = new SeededDropout({ rate: 0.5, seed: s.next(), name: "dropout6" }).apply(x) as SymbolicTensor;
  x = conv(x, 4096, 1, "fc7");
  x = tfl.layers.globalAveragePooling2d({ name: "global_pool" }).apply(x) as SymbolicTensor;
  x = new SeededDropout({ rate: 0.5, seed: s.next(), name: "dropout7" }).apply(x) as SymbolicTensor;
  const out = head(x, s.glorot(), "fc8");
  return tfl.model({ inputs: input, outputs: out, name });
}
