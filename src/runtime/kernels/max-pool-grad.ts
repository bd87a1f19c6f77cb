// MaxPoolGrad for the wasm backend, on the backend's heap: by ben19's SIMD kernel (assembly/train/max-pool-grad.ts)
// or, where WebAssembly SIMD is missing, by the JavaScript loop below (the backend's own kernel took ~12 % of a
// K-BranchCNN training step, and breaks ties otherwise; the loop ~4.7 %). Same semantics as tfjs's cpu backend (and
// TF): each window's gradient goes to the first position, in row-major window order, holding the window's maximum
// (ties, common after a ReLU, go to the first). Both visit windows in output order, so both give the same bits.
import {
  backend_util, type KernelBackend, type KernelConfig, type KernelFunc, type TensorInfo,
} from "@tensorflow/tfjs-core";
import { trainKernels } from "../simd/train-module.js";
import { heapOffset, wasmInternals } from "../wasm-internals.js";

interface Args {
  inputs: { dy: TensorInfo; input: TensorInfo; output: TensorInfo };
  backend: KernelBackend;
  attrs: {
    filterSize: number | [number, number]; strides: number | [number, number]; pad: "valid" | "same" | number;
    dimRoundingMode?: "floor" | "round" | "ceil";
  };
}

function maxPoolGrad({ inputs: { dy, input }, backend, attrs }: Args): TensorInfo {
  const heap = wasmInternals(backend);
  const info = backend_util.computePool2DInfo(input.shape as [number, number, number, number], attrs.filterSize,
    attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
  const out = heap.makeOutput([...input.shape], "float32");
  const kernels = trainKernels(backend);
  if (kernels === undefined) {
    // Views are taken after makeOutput: an allocation may grow (and so replace) the heap's buffer.
    inJavaScript(info, heap.typedArrayFromHeap(input), heap.typedArrayFromHeap(dy), heap.typedArrayFromHeap(out));
    return out;
  }
  kernels.maxPoolGrad(heapOffset(heap, input), heapOffset(heap, dy), heapOffset(heap, out),
    info.batchSize, info.inHeight, info.inWidth, info.inChannels, info.outHeight, info.outWidth,
    info.strideHeight, info.strideWidth, info.filterHeight, info.filterWidth, info.padInfo.top, info.padInfo.left);
  return out;
}

/** The kernel's loop in JavaScript, channels innermost so that every read and write is contiguous. */
function inJavaScript(info: backend_util.Conv2DInfo, x: Float32Array, g: Float32Array, dx: Float32Array): void {
  const { batchSize: nb, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow } = info;
  const { strideHeight: sh, strideWidth: sw, filterHeight: fh, filterWidth: fw, padInfo } = info;
  dx.fill(0);
  const best = new Float32Array(c);
  const where = new Int32Array(c);
  for (let b = 0; b < nb; b++) {
    for (let oy = 0; oy < oh; oy++) {
      const y0 = oy * sh - padInfo.top;
      const y1 = Math.min(h, y0 + fh);
      for (let ox = 0; ox < ow; ox++) {
        const x0 = ox * sw - padInfo.left;
        const x1 = Math.min(w, x0 + fw);
        best.fill(Number.NEGATIVE_INFINITY);
        where.fill(-1);
        for (let iy = Math.max(0, y0); iy < y1; iy++) {
          for (let ix = Math.max(0, x0); ix < x1; ix++) {
            const base = ((b * h + iy) * w + ix) * c;
            for (let ch = 0; ch < c; ch++) {
              const v = x[base + ch] as number;
              if (v > (best[ch] as number)) {
                best[ch] = v;
                where[ch] = base + ch;
              }
            }
          }
        }
        const gBase = ((b * oh + oy) * ow + ox) * c;
        for (let ch = 0; ch < c; ch++) {
          const at = where[ch] as number;
          if (at >= 0) dx[at] = (dx[at] as number) + (g[gBase + ch] as number);
        }
      }
    }
  }
}

export const maxPoolGradConfig = (backendName: string): KernelConfig => ({
  kernelName: "MaxPoolGrad",
  backendName,
  kernelFunc: maxPoolGrad as unknown as KernelFunc,
});
