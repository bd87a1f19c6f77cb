// Sum and Mean over the leading axes for the wasm backend: per-channel sums of NHWC activations (axes 0, 1, 2),
// which batch norm's statistics and gradients and every bias gradient ask for. The backend's kernels reduce only
// innermost axes, so they first transpose the whole activation to put the channels first (measured: [32,60,60,32]
// took 47 ms of CPU per Sum). A product with a row of ones on XNNPACK came next, but the backend runs matrix
// products on one thread and packs the activation as "weights" on every call: 146 ms of CPU per Sum of
// [32,120,120,32], 21 % of a K-BranchCNN step. Here X is read once as an [M, C] matrix, in place in the backend's
// memory, and its columns summed in float64 (then rounded once; mean = that float32 sum / M, as the backend's Mean
// divides its sum). Other reductions (trailing or scattered axes, integer tensors) go to the backend's own kernel.
import { util } from "@tensorflow/tfjs-core";
import type { KernelBackend, KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from "@tensorflow/tfjs-core";
import { wasmInternals } from "../wasm-internals.js";

interface Args {
  inputs: { x: TensorInfo };
  backend: KernelBackend;
  attrs: NamedAttrMap & { axis: number | number[]; keepDims: boolean };
}

/** The number of leading axes `axis` names (0, 1, …, k−1 in any order), or 0 when it is not such a prefix. */
export function leadingAxes(axis: number | number[], shape: readonly number[]): number {
  const axes = [...new Set(util.parseAxisParam(axis, shape as number[]))].sort((a, b) => a - b);
  return axes.every((a, i) => a === i) && axes.length < shape.length ? axes.length : 0;
}

/** out[j] = Σ_i x[i·c + j] over m rows (float64 sums), divided by `divisor` after rounding to float32. */
export function columnSums(x: Float32Array, m: number, c: number, out: Float32Array, divisor: number): void {
  const acc = new Float64Array(c);
  for (let i = 0, p = 0; i < m; i++) {
    for (let j = 0; j < c; j++, p++) acc[j] = (acc[j] as number) + (x[p] as number);
  }
  for (let j = 0; j < c; j++) out[j] = Math.fround(acc[j] as number) / divisor;
}

function leadingReduce(kind: "Sum" | "Mean", original: KernelFunc) {
  return (args: Args): TensorInfo => {
    const { inputs: { x }, backend, attrs } = args;
    const k = leadingAxes(attrs.axis, x.shape);
    const m = x.shape.slice(0, k).reduce((a, b) => a * b, 1);
    if (k === 0 || m < 2 || x.dtype !== "float32") {
      return original(args as unknown as Parameters<KernelFunc>[0]) as TensorInfo;
    }
    const kept = x.shape.slice(k);
    const c = kept.reduce((a, b) => a * b, 1);
    const heap = wasmInternals(backend);
    const shape = attrs.keepDims ? [...x.shape.slice(0, k).map(() => 1), ...kept] : kept;
    const out = heap.makeOutput(shape, "float32");
    // Views are taken after makeOutput: an allocation may grow (and so replace) the heap's buffer.
    columnSums(heap.typedArrayFromHeap(x), m, c, heap.typedArrayFromHeap(out), kind === "Mean" ? m : 1);
    return out;
  };
}

/** Ours in place of the backend's Sum or Mean (`original`), whose setup still runs at backend init. */
export const leadingReduceConfig = (original: KernelConfig): KernelConfig => ({
  ...original,
  kernelFunc: leadingReduce(original.kernelName as "Sum" | "Mean", original.kernelFunc) as unknown as KernelFunc,
});
