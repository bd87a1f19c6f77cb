// The kernels (and one gradient) the tfjs wasm backend needs for training and lacks (or has only as slow loops),
// registered once before the backend initialises. Each is built from the backend's own fast kernels; see the files
// for the maths.
import { getKernel, registerGradient, registerKernel, unregisterKernel } from "@tensorflow/tfjs-core";
import type { KernelConfig } from "@tensorflow/tfjs-core";
import { batchMatMulConfig } from "./batch-matmul.js";
import { fusedBatchNormGradConfig } from "./batchnorm-grad.js";
import { batchNormGradKernelConfigs } from "./batchnorm-train-grad.js";
import { dropoutKernelConfig } from "./dropout.js";
import { identityConfig } from "./identity.js";
import { conv2DBackpropFilterConfig } from "./conv2d-backprop-filter.js";
import { conv2DBackpropInputConfig } from "./conv2d-backprop-input.js";
import { maxPoolGradConfig } from "./max-pool-grad.js";
import { leadingReduceConfig } from "./reduce.js";
import { reluGradConfig, reluGradKernelConfig } from "./relu-grad.js";
import { reverseConfig } from "./reverse.js";
import { transposeConfig } from "./transpose.js";

const WASM = "wasm";

/** The backend's own kernels that ours wrap, kept before ours replace them (ours call them for what they leave). */
const originals = new Map<string, KernelConfig>();

function original(name: string): KernelConfig {
  const kernel = originals.get(name) ?? getKernel(name, WASM);
  if (kernel === undefined) throw new Error(`the wasm backend has no ${name} kernel`);
  originals.set(name, kernel);
  return kernel;
}

/** Registers (or replaces) our training kernels for the wasm backend. Idempotent. */
export function registerWasmTrainingKernels(): void {
  const reductions = ["Sum", "Mean"].map((k) => leadingReduceConfig(original(k)));
  const products = ["BatchMatMul", "_FusedMatMul"].map((k) => batchMatMulConfig(original(k)));
  const wrapped = [...products, identityConfig(original("Identity")), transposeConfig(original("Transpose")),
    reverseConfig(original("Reverse")), ...reductions];
  const ours = [conv2DBackpropFilterConfig(WASM), conv2DBackpropInputConfig(WASM), maxPoolGradConfig(WASM),
    reluGradKernelConfig(WASM), dropoutKernelConfig(WASM), ...batchNormGradKernelConfigs(WASM)];
  for (const config of [...ours, ...wrapped]) {
    if (getKernel(config.kernelName, WASM) !== undefined) unregisterKernel(config.kernelName, WASM);
    registerKernel(config);
  }
}

/** Replaces tfjs-core's FusedBatchNorm gradient with the broadcasting one, and Relu's with one that uses our
 * kernel on wasm (all backends; tfjs-core's maths elsewhere). Idempotent. */
export function registerTrainingGradients(): void {
  registerGradient(fusedBatchNormGradConfig);
  registerGradient(reluGradConfig);
}
