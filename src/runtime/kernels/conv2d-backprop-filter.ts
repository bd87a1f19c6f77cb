// Conv2DBackpropFilter for the wasm backend, which ships without it (so conv nets cannot train there).
// The filter gradient is itself a convolution, which we hand to the backend's XNNPACK Conv2D:
//   dW[p,q,c,o] = Σ_{b,y,x} X[b, y·s + p − top, x·s + q − left, c] · dY[b,y,x,o]
// Read X as a batch of C images with B channels (transpose to [C,H,W,B]) and dY as a filter of size oh×ow mapping
// B → O channels (transpose to [oh,ow,B,O]); a stride-1 convolution dilated by s then gives [C,kh,kw,O].
import { backend_util, type KernelBackend, type KernelConfig, type TensorInfo } from "@tensorflow/tfjs-core";
import { im2colFilterGrad, useIm2col } from "./im2col.js";
import { pointwiseFilterGrad } from "./pointwise.js";
import { KernelScope } from "./scope.js";

interface Args {
  inputs: { x: TensorInfo; dy: TensorInfo };
  backend: KernelBackend;
  attrs: {
    strides: number | [number, number];
    pad: backend_util.PadInfo["type"] | "valid" | "same" | number | backend_util.ExplicitPadding;
    dimRoundingMode?: "floor" | "round" | "ceil";
    filterShape: [number, number, number, number];
    dataFormat?: "NHWC" | "NCHW";
  };
}

export function conv2DBackpropFilter(backendName: string) {
  return ({ inputs: { x, dy }, backend, attrs }: Args): TensorInfo => {
    if (attrs.dataFormat === "NCHW") throw new Error("Conv2DBackpropFilter: only NHWC is supported");
    const info = backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number], attrs.filterShape, attrs.strides, 1,
      attrs.pad as "valid" | "same", attrs.dimRoundingMode,
    );
    const { batchSize: b, inHeight: h, inWidth: w, inChannels: c, strideHeight: sh, strideWidth: sw } = info;
    const { filterHeight: kh, filterWidth: kw, outHeight: oh, outWidth: ow, padInfo } = info;
    const s = new KernelScope(backend, backendName);
    if (useIm2col(info)) return s.finish(im2colFilterGrad(s, x, dy, info));
    if (kh === 1 && kw === 1) {
      return s.finish(pointwiseFilterGrad(s, x, dy, { b, h, w, c, o: attrs.filterShape[3], oh, ow, sh, sw }));
    }
    const images = s.run("Transpose", { x }, { perm: [3, 1, 2, 0] }); // [C, H, W, B]
    const filter = s.run("Transpose", { x: dy }, { perm: [1, 2, 0, 3] }); // [oh, ow, B, O]
    // Padding that makes the dilated correlation yield exactly kh × kw; negative means input rows/columns that
    // no output touches (valid padding with a stride), which are cropped instead.
    const bottom = kh + (oh - 1) * sh - h - padInfo.top;
    const right = kw + (ow - 1) * sw - w - padInfo.left;
    const src = bottom < 0 || right < 0
      ? s.run("Slice", { x: images },
        { begin: [0, 0, 0, 0], size: [c, h + Math.min(bottom, 0), w + Math.min(right, 0), b] })
      : images;
    const grads = s.run("Conv2D", { x: src, filter }, {
      strides: [1, 1],
      dilations: [sh, sw],
      pad: [[0, 0], [padInfo.top, Math.max(bottom, 0)], [padInfo.left, Math.max(right, 0)], [0, 0]],
      dataFormat: "NHWC",
    }); // [C, kh, kw, O]
    return s.finish(s.run("Transpose", { x: grads }, { perm: [1, 2, 0, 3] }));
  };
}

export const conv2DBackpropFilterConfig = (backendName: string): KernelConfig => ({
  kernelName: "Conv2DBackpropFilter",
  backendName,
  kernelFunc: conv2DBackpropFilter(backendName) as unknown as KernelConfig["kernelFunc"],
});
