// ReLU's gradient on the wasm backend in one pass of ben19's SIMD module (assembly/train/relu-grad.ts), where
// tfjs-core's gradient makes three (Step, Cast, Multiply) and two activation-sized temporaries. Same bits: the
// kernel computes dy·step(x) as tfjs does. Other backends, and wasm without the module, keep tfjs-core's gradient.
import {
  type GradConfig, type KernelBackend, type KernelConfig, type KernelFunc, type Tensor, type TensorInfo,
} from "@tensorflow/tfjs-core";
import { trainKernels } from "../simd/train-module.js";
import { tf } from "../tf.js";
import { heapOffset, wasmInternals } from "../wasm-internals.js";

/** Our kernel's name: tfjs has no ReLU-gradient kernel of its own. */
export const RELU_GRAD = "Ben19ReluGrad";

interface Args {
  inputs: { dy: TensorInfo; x: TensorInfo };
  backend: KernelBackend;
}

function reluGrad({ inputs: { dy, x }, backend }: Args): TensorInfo {
  const kernels = trainKernels(backend);
  if (kernels === undefined) throw new Error(`${RELU_GRAD} needs ben19's SIMD training module`);
  const heap = wasmInternals(backend);
  const out = heap.makeOutput([...x.shape], "float32");
  kernels.reluGrad(heapOffset(heap, x), heapOffset(heap, dy), heapOffset(heap, out), tf.util.sizeFromShape(x.shape));
  return out;
}

export const reluGradKernelConfig = (backendName: string): KernelConfig => ({
  kernelName: RELU_GRAD,
  backendName,
  kernelFunc: reluGrad as unknown as KernelFunc,
});

/** Relu's gradient: our kernel where it runs, tfjs-core's maths (dy·step(x)) elsewhere. */
export const reluGradConfig: GradConfig = {
  kernelName: "Relu",
  inputsToSave: ["x"],
  gradFunc: (dy: Tensor | Tensor[], saved: Tensor[]) => {
    const g = dy as Tensor;
    const [x] = saved as [Tensor];
    const fused = tf.getBackend() === "wasm" && g.dtype === "float32" && x.dtype === "float32"
      && trainKernels(tf.backend()) !== undefined;
    return {
      x: () => (fused
        ? tf.engine().runKernel(RELU_GRAD, { dy: g, x }) as Tensor
        : tf.mul(g, tf.cast(tf.step(x), "float32"))),
    };
  },
};
