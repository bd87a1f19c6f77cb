// MaxPoolGrad for the wasm backend, in JavaScript over the backend's heap: the backend's own kernel took ~12 % of
// a K-BranchCNN training step. Same semantics as tfjs (and TF): each window's gradient goes to the first position,
// in row-major window order, holding the window's maximum (ties, common after a ReLU, go to the first). Channels are
// the innermost loop, so every read and write is contiguous.
import {
  backend_util, type KernelBackend, type KernelConfig, type KernelFunc, type TensorInfo,
} from "@tensorflow/tfjs-core";
import { wasmInternals } from "../wasm-internals.js";

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
  const { batchSize: nb, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow } = info;
  const { strideHeight: sh, strideWidth: sw, filterHeight: fh, filterWidth: fw, padInfo } = info;
  const out = heap.makeOutput([...input.shape], "float32");
  // Views are taken after makeOutput: an allocation may grow (and so replace) the heap's buffer.
  const x = heap.typedArrayFromHeap(input);
  const g = heap.typedArrayFromHeap(dy);
  const dx = heap.typedArrayFromHeap(out);
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
  return out;
}

export const maxPoolGradConfig = (backendName: string): KernelConfig => ({
  kernelName: "MaxPoolGrad",
  backendName,
  kernelFunc: maxPoolGrad as unknown as KernelFunc,
});
