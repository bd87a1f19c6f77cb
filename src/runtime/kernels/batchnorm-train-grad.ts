// The closed-form batch-norm gradient of src/models/batchnorm-train.ts in two passes of ben19's SIMD module
// (assembly/train/batchnorm-grad.ts) on the wasm backend, where its tensor ops make seven passes over the
// activation. Used where the channel count is a multiple of 4 (every layer of the six networks); elsewhere, and on
// other backends, the caller keeps the tensor ops.
import type { KernelBackend, KernelConfig, KernelFunc, Tensor, TensorInfo } from "@tensorflow/tfjs-core";
import { trainKernels } from "../simd/train-module.js";
import { tf } from "../tf.js";
import { heapOffset, wasmInternals } from "../wasm-internals.js";

const SUMS = "Ben19BatchNormGradSums";
const DX = "Ben19BatchNormGradDx";

type Inputs = Record<string, TensorInfo>;

/** Rows of c channels in x, and the kernels, or throws (the caller checked). */
function setup(x: TensorInfo, backend: KernelBackend) {
  const kernels = trainKernels(backend);
  if (kernels === undefined) throw new Error("the batch-norm gradient needs ben19's SIMD training module");
  const c = x.shape[x.shape.length - 1] as number;
  const rows = x.shape.reduce((p, q) => p * q, 1) / c;
  return { kernels, heap: wasmInternals(backend), c, rows };
}

function sums({ inputs: { x, dy, mean, invStd }, backend }: { inputs: Inputs; backend: KernelBackend }) {
  const { kernels, heap, c, rows } = setup(x as TensorInfo, backend);
  const scratch = heap.makeOutput([4 * c], "float32"); // 2c f64
  const dGamma = heap.makeOutput([c], "float32");
  const dBeta = heap.makeOutput([c], "float32");
  const at = (t: TensorInfo | undefined): number => heapOffset(heap, t as TensorInfo);
  kernels.batchNormGradSums(at(x), at(dy), at(mean), at(invStd), rows, c, at(scratch), at(dGamma), at(dBeta));
  backend.disposeData(scratch.dataId);
  return [dGamma, dBeta];
}

function dx({ inputs: { x, dy, mean, invStd, a, k, m }, backend }: { inputs: Inputs; backend: KernelBackend }) {
  const { kernels, heap, c, rows } = setup(x as TensorInfo, backend);
  const out = heap.makeOutput([...(x as TensorInfo).shape], "float32");
  const at = (t: TensorInfo | undefined): number => heapOffset(heap, t as TensorInfo);
  kernels.batchNormGradDx(at(x), at(dy), at(out), at(mean), at(invStd), at(a), at(k), at(m), rows, c);
  return out;
}

export const batchNormGradKernelConfigs = (backendName: string): KernelConfig[] => [
  { kernelName: SUMS, backendName, kernelFunc: sums as unknown as KernelFunc },
  { kernelName: DX, backendName, kernelFunc: dx as unknown as KernelFunc },
];

/** The per-channel terms of dx = dy·a − x̂·k − m: a = γ·invStd, k = a·dγ/N, m = a·dβ/N (N values per channel). */
export function gradTerms(
  scale: Tensor, invStd: Tensor, dGamma: Tensor, dBeta: Tensor, count: number,
): { a: Tensor; k: Tensor; m: Tensor } {
  const a = tf.mul(scale, invStd);
  return { a, k: tf.mul(a, tf.div(dGamma, tf.scalar(count))), m: tf.mul(a, tf.div(dBeta, tf.scalar(count))) };
}

/** [dx, dγ, dβ] of batch norm in training (x̂ = (x − mean)/√(variance + ε)) through the kernels, or undefined
 * where they do not apply. */
export function batchNormGradFused(
  x: Tensor, dy: Tensor, mean: Tensor, variance: Tensor, scale: Tensor, epsilon: number,
): [Tensor, Tensor, Tensor] | undefined {
  const c = x.shape[x.rank - 1] as number;
  if (tf.getBackend() !== "wasm" || c % 4 !== 0 || x.dtype !== "float32" || dy.dtype !== "float32" ||
    mean.rank !== 1 || trainKernels(tf.backend()) === undefined) {
    return undefined;
  }
  const count = x.size / c;
  const invStd = tf.rsqrt(tf.add(variance, tf.scalar(epsilon)));
  const [dGamma, dBeta] = tf.engine().runKernel(SUMS, { x, dy, mean, invStd }) as unknown as [Tensor, Tensor];
  const { a, k, m } = gradTerms(scale, invStd, dGamma, dBeta, count);
  const dx = tf.engine().runKernel(DX, { x, dy, mean, invStd, a, k, m }) as Tensor;
  return [dx, dGamma, dBeta];
}
