// Transpose on the wasm backend through ben19's SIMD module (assembly/train/transpose.ts) where the permutation,
// once axes of size 1 are dropped and axes that stay together are merged, swaps two adjacent runs of axes:
// [a, r, s, t] → [a, s, r, t] (a matrix transpose; [B,H,W,C] → [H,W,B,C]; [C,kh,kw,O] → [kh,kw,C,O]). Values only
// move, so the result is the backend's, bit for bit. Other permutations, other dtypes, and wasm without the module
// keep the backend's kernel.
import type { KernelBackend, KernelConfig, KernelFunc, TensorInfo } from "@tensorflow/tfjs-core";
import { trainKernels } from "../simd/train-module.js";
import { heapOffset, wasmInternals } from "../wasm-internals.js";

interface Args {
  inputs: { x: TensorInfo };
  backend: KernelBackend;
  attrs: { perm: number[] };
}

/** [a, r, s, t] when `perm` of `shape` is such a swap, else undefined. */
export function swapView(
  shape: readonly number[], perm: readonly number[],
): [number, number, number, number] | undefined {
  // Axes of size 1 do not move values: drop them, renumbering the rest in order.
  const kept = perm.filter((p) => shape[p] !== 1);
  const rank = [...kept].sort((x, y) => x - y);
  const p = kept.map((axis) => rank.indexOf(axis));
  const dims = rank.map((axis) => shape[axis] as number);
  // Runs of axes that stay consecutive move as one: groups in output order, each a range of input axes.
  const groups: [number, number][] = [];
  for (const axis of p) {
    const g = groups.at(-1);
    if (g !== undefined && g[1] === axis) g[1] = axis + 1;
    else groups.push([axis, axis + 1]);
  }
  const size = (g: [number, number] | undefined): number =>
    g === undefined ? 1 : dims.slice(g[0], g[1]).reduce((x, y) => x * y, 1);
  const order = groups.map((g) => g[0]);
  const inOrder = [...groups].sort((x, y) => x[0] - y[0]);
  const pattern = order.map((o) => inOrder.findIndex((g) => g[0] === o)).join(",");
  switch (pattern) {
    case "1,0": return [1, size(inOrder[0]), size(inOrder[1]), 1];
    case "0,2,1": return [size(inOrder[0]), size(inOrder[1]), size(inOrder[2]), 1];
    case "1,0,2": return [1, size(inOrder[0]), size(inOrder[1]), size(inOrder[2])];
    case "0,2,1,3": return [size(inOrder[0]), size(inOrder[1]), size(inOrder[2]), size(inOrder[3])];
    default: return undefined;
  }
}

/** Ours in place of the backend's Transpose (`original`, for everything ours leaves). */
export const transposeConfig = (original: KernelConfig): KernelConfig => ({
  ...original,
  kernelFunc: ((args: Args): TensorInfo => {
    const { inputs: { x }, backend, attrs: { perm } } = args;
    const view = x.dtype === "float32" ? swapView(x.shape, perm) : undefined;
    const kernels = view === undefined ? undefined : trainKernels(backend);
    if (view === undefined || kernels === undefined) {
      return original.kernelFunc(args as unknown as Parameters<KernelFunc>[0]) as TensorInfo;
    }
    const heap = wasmInternals(backend);
    const out = heap.makeOutput(perm.map((p) => x.shape[p] as number), "float32");
    kernels.swapAxes(heapOffset(heap, x), heapOffset(heap, out), ...view);
    return out;
  }) as unknown as KernelFunc,
});
