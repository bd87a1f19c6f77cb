// Convolution gradients through explicit patch matrices (im2col), for layers whose filter dwarfs their input, such
// as VGG's fc6 (a 7×7·512→4096 convolution, 103 M weights, on a 3×3 map). The transposed-convolution paths would
// materialise the filter-sized gradient twice and a flipped copy of the filter twice more (plus XNNPACK's packed
// copy): ~2 GB for fc6 alone, more than the wasm heap has. Here the filter-sized tensors are only the weights and
// the one gradient, and the patch matrix is small. Stride 1 only (what such layers use):
//   P[(b,y,x), (p,q,c)] = Xpad[b, y+p, x+q, c]          (B·oh·ow × kh·kw·C)
//   dW = Pᵀ · dY        dX = col2im(dY · Wᵀ), i.e. each tap's columns added back at its offset, then cropped.
import type { backend_util, TensorInfo } from "@tensorflow/tfjs-core";
import type { KernelScope } from "./scope.js";

/** Patch matrices are used when they are this small (elements) and smaller than the filter. */
const MAX_PATCH_ELEMENTS = 1 << 22;

export function useIm2col(info: backend_util.Conv2DInfo): boolean {
  const patch = info.batchSize * info.outHeight * info.outWidth *
    info.filterHeight * info.filterWidth * info.inChannels;
  const filter = info.filterHeight * info.filterWidth * info.inChannels * info.outChannels;
  return info.strideHeight === 1 && info.strideWidth === 1 && info.dilationHeight === 1 && info.dilationWidth === 1 &&
    patch <= MAX_PATCH_ELEMENTS && patch < filter;
}

/** Zero padding so that every output position has its full kh × kw window: [top, bottom, left, right]. */
function margins(info: backend_util.Conv2DInfo): [number, number, number, number] {
  const { top, left } = info.padInfo;
  return [top, info.outHeight - 1 + info.filterHeight - info.inHeight - top, left,
    info.outWidth - 1 + info.filterWidth - info.inWidth - left];
}

function patches(s: KernelScope, x: TensorInfo, info: backend_util.Conv2DInfo): TensorInfo {
  const { batchSize: b, outHeight: oh, outWidth: ow, filterHeight: kh, filterWidth: kw, inChannels: c } = info;
  const [t, bo, l, r] = margins(info);
  const padded = s.run("PadV2", { x }, { paddings: [[0, 0], [t, bo], [l, r], [0, 0]], constantValue: 0 });
  const taps: TensorInfo[] = [];
  for (let p = 0; p < kh; p++) {
    for (let q = 0; q < kw; q++) {
      taps.push(s.run("Slice", { x: padded }, { begin: [0, p, q, 0], size: [b, oh, ow, c] }));
    }
  }
  const stacked = s.run("Pack", taps, { axis: 3 }); // [B, oh, ow, kh·kw, C]
  return s.run("Reshape", { x: stacked }, { shape: [b * oh * ow, kh * kw * c] });
}

export function im2colFilterGrad(
  s: KernelScope, x: TensorInfo, dy: TensorInfo, info: backend_util.Conv2DInfo,
): TensorInfo {
  const {
    batchSize: b, outHeight: oh, outWidth: ow, filterHeight: kh, filterWidth: kw, inChannels: c, outChannels: o,
  } = info;
  const rows = s.run("Reshape", { x: dy }, { shape: [b * oh * ow, o] });
  const dw = s.run("BatchMatMul", { a: patches(s, x, info), b: rows }, { transposeA: true, transposeB: false });
  return s.run("Reshape", { x: dw }, { shape: [kh, kw, c, o] });
}

export function im2colInputGrad(
  s: KernelScope, dy: TensorInfo, filter: TensorInfo, info: backend_util.Conv2DInfo,
): TensorInfo {
  const {
    batchSize: b, inHeight: h, inWidth: w, outHeight: oh, outWidth: ow, filterHeight: kh, filterWidth: kw,
    inChannels: c, outChannels: o,
  } = info;
  const rows = s.run("Reshape", { x: dy }, { shape: [b * oh * ow, o] });
  const wt = s.run("Reshape", { x: filter }, { shape: [kh * kw * c, o] });
  const cols = s.run("BatchMatMul", { a: rows, b: wt }, { transposeA: false, transposeB: true }); // [B·oh·ow, kh·kw·C]
  // One tap's columns at a time, by rank-3 slices: the backend's Unpack of the rank-5 view is a slow generic loop
  // (measured: 1.2 s of CPU per ResNet50 3×3 convolution on the 4×4 map at batch 12, 21 % of the step).
  const split = s.run("Reshape", { x: cols }, { shape: [b * oh * ow, kh * kw, c] });
  const [t, bo, l, r] = margins(info);
  const hp = h + t + bo;
  const wp = w + l + r;
  const placed = Array.from({ length: kh * kw }, (_, i) => {
    const p = Math.floor(i / kw);
    const q = i % kw;
    const column = s.run("Slice", { x: split }, { begin: [0, i, 0], size: [b * oh * ow, 1, c] });
    const tap = s.run("Reshape", { x: column }, { shape: [b, oh, ow, c] });
    return s.run("PadV2", { x: tap },
      { paddings: [[0, 0], [p, hp - oh - p], [q, wp - ow - q], [0, 0]], constantValue: 0 });
  });
  const sum = s.run("AddN", placed);
  return s.run("Slice", { x: sum }, { begin: [0, t, l, 0], size: [b, h, w, c] });
}
