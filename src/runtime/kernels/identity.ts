// Identity for the wasm backend without a copy. tfjs-core clones (Identity) every tensor it saves for the backward
// pass, and the backend's Identity copies the data: 515 copies per K-BranchCNN training step, 4.4 % of its CPU
// (measured). Here the clone shares the data and counts a reference, as the cpu backend's Identity does (and the
// wasm backend's own Reshape). Safe because no kernel writes into its inputs, and ben19's one in-place writer
// (wasm-heap.ts) only writes tensors whose data nothing else references.
import type { KernelBackend, KernelConfig, KernelFunc, TensorInfo } from "@tensorflow/tfjs-core";

interface Args {
  inputs: { x: TensorInfo };
  backend: KernelBackend;
}

/** Ours in place of the backend's Identity (`original`, kept for string tensors). */
export const identityConfig = (original: KernelConfig): KernelConfig => ({
  ...original,
  kernelFunc: ((args: Args): TensorInfo => {
    const { inputs: { x }, backend } = args;
    if (x.dtype === "string") return original.kernelFunc(args as unknown as Parameters<KernelFunc>[0]) as TensorInfo;
    backend.incRef(x.dataId);
    return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
  }) as unknown as KernelFunc,
});
