// Sum and Mean over the leading axes for the wasm backend: per-channel sums of NHWC activations (axes 0, 1, 2),
// which batch norm's statistics and gradients and every bias gradient ask for. The backend's kernels reduce only
// innermost axes, so they first transpose the whole activation to put the channels first (measured: [32,60,60,32]
// took 47 ms of CPU per Sum). A product with a row of ones on XNNPACK came next, but the backend runs matrix
// products on one thread and packs the activation as "weights" on every call: 146 ms of CPU per Sum of
// [32,120,120,32], 21 % of a K-BranchCNN step. Now, viewing X as an [M, C] matrix (M = the reduced elements per
// channel) split into R blocks of L rows:
//   large X: XNNPACK's average pooling (SIMD, on every thread) gives each block's column means, [R, C], and
//            Σ = L·Σ_r mean_r, mean = Σ_r mean_r / R
//            (13–17 ms of CPU for [32,120,120,32]; its columns summed in JS: 71 ms);
//   small X: the columns are summed in JS, in place in the backend's memory.
// Block means are added in float64 and rounded once (the pooling itself adds in float32, as the backend's Sum).
// Other reductions (trailing or scattered axes, integer tensors) go to the backend's own kernel.
import { util } from "@tensorflow/tfjs-core";
import type { KernelBackend, KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from "@tensorflow/tfjs-core";
import { wasmInternals } from "../wasm-internals.js";
import { KernelScope } from "./scope.js";

/** X (elements) from which the pooling path is used; below, one JS pass costs less than a kernel call. */
const POOL_FROM = 1 << 15;

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

/** out[j] = (Σ_i x[i·c + j] over m rows, in float64) · scale, rounded to float32. */
export function columnSums(x: Float32Array, m: number, c: number, out: Float32Array, scale: number): void {
  const acc = new Float64Array(c);
  for (let i = 0, p = 0; i < m; i++) {
    for (let j = 0; j < c; j++, p++) acc[j] = (acc[j] as number) + (x[p] as number);
  }
  for (let j = 0; j < c; j++) out[j] = (acc[j] as number) * scale;
}

/** A block count R for the pooling path: a divisor of m from 8 to 256 (enough blocks for every thread), or 0. */
export function poolBlocks(m: number): number {
  for (let r = 16; r <= 256; r++) if (m % r === 0) return r;
  for (let r = 15; r >= 8; r--) if (m % r === 0) return r;
  return 0;
}

function leadingReduce(kind: "Sum" | "Mean", backendName: string, original: KernelFunc) {
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
    const r = m * c >= POOL_FROM ? poolBlocks(m) : 0;
    let means: TensorInfo | undefined;
    const scope = new KernelScope(backend, backendName);
    if (r > 0) {
      const l = m / r;
      const image = scope.run("Reshape", { x }, { shape: [1, m, 1, c] });
      means = scope.run("AvgPool", { x: image }, { filterSize: [l, 1], strides: [l, 1], pad: "valid" }); // [1,R,1,C]
    }
    const out = heap.makeOutput(shape, "float32");
    // Views are taken after makeOutput: an allocation may grow (and so replace) the heap's buffer.
    const scale = kind === "Mean" ? 1 / (r > 0 ? r : m) : r > 0 ? m / r : 1;
    columnSums(heap.typedArrayFromHeap(means ?? x), r > 0 ? r : m, c, heap.typedArrayFromHeap(out), scale);
    scope.finish(out);
    return out;
  };
}

/** Ours in place of the backend's Sum or Mean (`original`), whose setup still runs at backend init. */
export const leadingReduceConfig = (original: KernelConfig): KernelConfig => ({
  ...original,
  kernelFunc: leadingReduce(original.kernelName as "Sum" | "Mean", original.backendName,
    original.kernelFunc) as unknown as KernelFunc,
});
