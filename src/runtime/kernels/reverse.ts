// Reverse on the wasm backend as block copies where the reversed axes leave a contiguous block of values behind
// them: the convolution input gradient flips each filter over its two spatial axes ([kh, kw, C, O] → kh·kw blocks
// of C·O values), which the backend does value by value through a generic index loop (measured: 39 ms of CPU for
// one [3,3,256,256] filter, 5 % of a ResNet50 training step; the copies take well under 1 ms). Values only move,
// so the result is the backend's, bit for bit; small blocks (reversing the last axes) keep the backend's kernel.
import type { KernelBackend, KernelConfig, KernelFunc, TensorInfo } from "@tensorflow/tfjs-core";
import { heapOffset, wasmInternals } from "../wasm-internals.js";

/** Blocks shorter than this many values are left to the backend (a copy call per few values would be slower). */
const MIN_BLOCK = 64;

interface Args {
  inputs: { x: TensorInfo };
  backend: KernelBackend;
  attrs: { dims: number | number[] };
}

/** Ours in place of the backend's Reverse (`original`, for everything ours leaves). */
export const reverseConfig = (original: KernelConfig): KernelConfig => ({
  ...original,
  kernelFunc: ((args: Args): TensorInfo => {
    const { inputs: { x }, backend, attrs } = args;
    const rank = x.shape.length;
    const dims = (Array.isArray(attrs.dims) ? attrs.dims : [attrs.dims]).map((d) => (d < 0 ? d + rank : d));
    const flipped = x.shape.map((_, a) => dims.includes(a));
    const last = Math.max(-1, ...dims);
    const block = x.shape.slice(last + 1).reduce((p, q) => p * q, 1);
    if (x.dtype !== "float32" || last < 0 || block < MIN_BLOCK) {
      return original.kernelFunc(args as unknown as Parameters<KernelFunc>[0]) as TensorInfo;
    }
    const heap = wasmInternals(backend);
    const out = heap.makeOutput([...x.shape], "float32");
    // After makeOutput, which may have grown the memory (and replaced its buffer).
    const values = new Float32Array(heap.wasm.HEAPU8.buffer);
    const src = heapOffset(heap, x) >> 2;
    const dst = heapOffset(heap, out) >> 2;
    const blocks = x.shape.slice(0, last + 1).reduce((p, q) => p * q, 1);
    for (let i = 0; i < blocks; i++) {
      // The source block: i's multi-index over axes 0..last, with the reversed axes counted from their end.
      let rest = i;
      let from = 0;
      let stride = 1;
      for (let a = last; a >= 0; a--) {
        const n = x.shape[a] as number;
        const k = rest % n;
        rest = (rest - k) / n;
        from += (flipped[a] === true ? n - 1 - k : k) * stride;
        stride *= n;
      }
      values.copyWithin(dst + i * block, src + from * block, src + (from + 1) * block);
    }
    return out;
  }) as unknown as KernelFunc,
});
