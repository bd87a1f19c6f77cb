// The common output head: 19 linear logits, then a separate sigmoid layer named PROBABILITIES. Keeping the
// sigmoid apart lets the trainer take the logits (the probabilities layer's input) and use the numerically
// stable sigmoid cross-entropy on logits, as the reference does, while saved models still output probabilities.
import type { SymbolicTensor } from "@tensorflow/tfjs-layers";
import { CLASS_COUNT_19 } from "../core/constants.js";
import { tfl } from "../runtime/tf.js";

export const PROBABILITIES = "probabilities";

type Initializer = ReturnType<typeof tfl.initializers.glorotUniform>;

/** Dense 19 logits named `name` on x, then the sigmoid; returns the probabilities tensor. */
export function head(x: SymbolicTensor, init: Initializer, name: string): SymbolicTensor {
  const logits = tfl.layers.dense({ units: CLASS_COUNT_19, kernelInitializer: init, name }).apply(x) as SymbolicTensor;
  return tfl.layers.activation({ activation: "sigmoid", name: PROBABILITIES }).apply(logits) as SymbolicTensor;
}
