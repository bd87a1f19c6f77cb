// Sum and Mean over the leading axes for the wasm backend: per-channel sums of NHWC activations (axes 0, 1, 2),
// which batch norm's statistics and gradients and every bias gradient ask for. The backend's kernels reduce only
// innermost axes, so they first transpose the whole activation to put the channels first; that transpose cost
// 9× the sum itself (measured: [32,60,60,32] took 47 ms of CPU per Sum and per Mean, against 5 ms here). Instead,
// viewing X as an [M, C] matrix (M = the reduced elements per channel):
//   Σ_m X[m, c] = (1ₘᵀ · X)[c]      a product with a row of ones, on XNNPACK's threaded SIMD matrix kernel,
//   mean = that sum / M             (as the backend's Mean divides its sum).
// Other reductions (trailing or scattered axes, integer tensors) go to the backend's own kernel.
import { util, type KernelBackend, type KernelConfig, type KernelFunc, type NamedAttrMap, type TensorInfo } from "@tensorflow/tfjs-core";
import { KernelScope } from "./scope.js";

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

function leadingReduce(kind: "Sum" | "Mean", backendName: string, original: KernelFunc) {
  return (args: Args): TensorInfo => {
    const { inputs: { x }, backend, attrs } = args;
    const k = leadingAxes(attrs.axis, x.shape);
    const m = x.shape.slice(0, k).reduce((a, b) => a * b, 1);
    if (k === 0 || m < 2 || x.dtype !== "float32") return original(args as unknown as Parameters<KernelFunc>[0]) as TensorInfo;
    const kept = x.shape.slice(k);
    const c = kept.reduce((a, b) => a * b, 1);
    const s = new KernelScope(backend, backendName);
    const ones = s.run("Fill", {}, { shape: [1, 1, m], value: 1, dtype: "float32" });
    const rows = s.run("Reshape", { x }, { shape: [1, m, c] });
    let sum = s.run("BatchMatMul", { a: ones, b: rows }, { transposeA: false, transposeB: false });
    if (kind === "Mean") sum = s.run("RealDiv", { a: sum, b: s.run("Fill", {}, { shape: [], value: m, dtype: "float32" }) });
    const shape = attrs.keepDims ? [...x.shape.slice(0, k).map(() => 1), ...kept] : kept;
    return s.finish(s.run("Reshape", { x: sum }, { shape }));
  };
}

/** Ours in place of the backend's Sum or Mean (`original`), whose setup still runs at backend init. */
export const leadingReduceConfig = (original: KernelConfig): KernelConfig => ({
  ...original,
  kernelFunc: leadingReduce(original.kernelName as "Sum" | "Mean", original.backendName, original.kernelFunc) as unknown as KernelFunc,
});
