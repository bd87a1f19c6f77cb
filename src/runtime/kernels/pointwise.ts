// Gradients of 1×1 convolutions (most of a ResNet's) as matrix products, which the generic paths of
// conv2d-backprop-*.ts would compute with transposes, padding and 4× zero-dilated inputs. For a 1×1 kernel with
// stride s (padding is always 0 for 1×1, `same` or `valid`), output (y, x) reads input (y·s, x·s):
//   dW[c,o] = Σ_{b,y,x} X[b, y·s, x·s, c] · dY[b,y,x,o]     = X_sᵀ · dY   over B·oh·ow rows
//   dX[b, y·s, x·s, c] = Σ_o dY[b,y,x,o] · W[c,o]          = dY · Wᵀ, scattered back on the stride grid
import type { TensorInfo } from "@tensorflow/tfjs-core";
import { dilate } from "./dilate.js";
import type { KernelScope } from "./scope.js";

export interface PointwiseShape {
  b: number;
  h: number;
  w: number;
  c: number;
  o: number;
  oh: number;
  ow: number;
  sh: number;
  sw: number;
}

/** X subsampled on the stride grid, as rows: [B·oh·ow, C]. */
function gridRows(s: KernelScope, x: TensorInfo, p: PointwiseShape): TensorInfo {
  const sub = p.sh === 1 && p.sw === 1 ? x : s.run("StridedSlice", { x }, {
    begin: [0, 0, 0, 0], end: [p.b, p.h, p.w, p.c], strides: [1, p.sh, p.sw, 1],
    beginMask: 0, endMask: 0, ellipsisMask: 0, newAxisMask: 0, shrinkAxisMask: 0,
  });
  return s.run("Reshape", { x: sub }, { shape: [p.b * p.oh * p.ow, p.c] });
}

export function pointwiseFilterGrad(s: KernelScope, x: TensorInfo, dy: TensorInfo, p: PointwiseShape): TensorInfo {
  const rows = gridRows(s, x, p);
  const dyRows = s.run("Reshape", { x: dy }, { shape: [p.b * p.oh * p.ow, p.o] });
  const dw = s.run("BatchMatMul", { a: rows, b: dyRows }, { transposeA: true, transposeB: false });
  return s.run("Reshape", { x: dw }, { shape: [1, 1, p.c, p.o] });
}

export function pointwiseInputGrad(s: KernelScope, dy: TensorInfo, filter: TensorInfo, p: PointwiseShape): TensorInfo {
  const dyRows = s.run("Reshape", { x: dy }, { shape: [p.b * p.oh * p.ow, p.o] });
  const w = s.run("Reshape", { x: filter }, { shape: [p.c, p.o] });
  const rows = s.run("BatchMatMul", { a: dyRows, b: w }, { transposeA: false, transposeB: true }); // [B·oh·ow, C]
  const image = s.run("Reshape", { x: rows }, { shape: [p.b, p.oh, p.ow, p.c] });
  if (p.sh === 1 && p.sw === 1) return image;
  // Scatter onto the stride grid, then cut or extend to H × W.
  const grid = dilate(s, image, p.sh, p.sw);
  const cut = s.run("Slice", { x: grid },
    { begin: [0, 0, 0, 0], size: [p.b, Math.min(p.h, p.oh * p.sh), Math.min(p.w, p.ow * p.sw), p.c] });
  const extraH = Math.max(0, p.h - p.oh * p.sh);
  const extraW = Math.max(0, p.w - p.ow * p.sw);
  return extraH === 0 && extraW === 0 ? cut : s.run("PadV2", { x: cut },
    { paddings: [[0, 0], [0, extraH], [0, extraW], [0, 0]], constantValue: 0 });
}
