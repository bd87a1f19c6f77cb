// One Adam step for one variable on the wasm backend by ben19's SIMD kernel (assembly/train/adam.ts): the weights
// and both moments are updated in place in one pass, where the backend's ops make ~11 passes and as many fresh
// tensors. The same float32 operations in the same order, so the same bits (src/training/adam.ts).
import { tf } from "../tf.js";
import { dropPackedCopies } from "../wasm-heap.js";
import { wasmInternals, type HeapTensor } from "../wasm-internals.js";
import { trainKernels } from "./train-module.js";

/** Adam's float32 scalars for one step (c1, c2: the bias corrections 1 − βᵗ). */
export interface AdamScalars {
  beta1: number;
  beta2: number;
  oneMinusBeta1: number;
  oneMinusBeta2: number;
  c1: number;
  c2: number;
  epsilon: number;
  negLr: number;
}

/**
 * Updates `w`, `m` and `v` in place from the gradient `g`; false (nothing done) where the kernel cannot: another
 * backend, the kernels unavailable, or a tensor whose memory is shared with another tensor (writing it would change
 * that one too).
 */
export function adamInPlace(w: tf.Tensor, m: tf.Tensor, v: tf.Tensor, g: tf.Tensor, s: AdamScalars): boolean {
  if (tf.getBackend() !== "wasm") return false;
  const tensors = [w, m, v, g];
  if (tensors.some((t) => t.dtype !== "float32" || t.size !== w.size)) return false;
  const backend = tf.backend();
  const kernels = trainKernels(backend);
  if (kernels === undefined) return false;
  const heap = wasmInternals(backend);
  const [dw, dm, dv, dg] = tensors.map((t) => heap.dataIdMap.get(t.dataId)) as (HeapTensor | undefined)[];
  if (dw === undefined || dm === undefined || dv === undefined || dg === undefined) return false;
  if (dw.refCount !== 1 || dm.refCount !== 1 || dv.refCount !== 1) return false;
  kernels.adam(dw.memoryOffset, dm.memoryOffset, dv.memoryOffset, dg.memoryOffset, w.size,
    s.beta1, s.beta2, s.oneMinusBeta1, s.oneMinusBeta2, s.c1, s.c2, s.epsilon, s.negLr);
  // The weights feed convolutions and matrix products, whose operators hold packed copies of them; the moments
  // feed nothing cached, but dropping is cheap and keeps this true whatever uses them.
  for (const d of [dw, dm, dv]) dropPackedCopies(heap, d, w.size);
  return true;
}
