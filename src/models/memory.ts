// What training a model needs in backend memory, and whether the wasm backend can hold it. tfjs-backend-wasm
// addresses a 32-bit heap and fails (an out-of-bounds trap, not an error) well before 4 GB once tensors cross
// the 2 GB mark; float32 training keeps four copies of every trainable weight (the weights, their gradients and
// Adam's two moments) before any activation. VGG16/19 (134/140 M weights, 2.1/2.2 GB) cannot train there.
import { countWeights } from "./registry.js";
import type { tfl } from "./tf.js";

/** The wasm backend's practical limit for tensors, in bytes. */
export const WASM_TENSOR_LIMIT = 2 ** 31;

/** Bytes of weights + gradients + Adam moments (4 × 4 bytes per trainable weight, batch-norm statistics once). */
export function trainingStateBytes(model: tfl.LayersModel): number {
  return 16 * countWeights(model.trainableWeights) + 4 * countWeights(model.nonTrainableWeights);
}
