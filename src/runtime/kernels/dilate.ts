// Spreading a tensor onto a stride grid, as strided convolutions' gradients need: [B, h, w, C] → [B, h·sh, w·sw, C]
// with each value followed by s−1 zeros along rows and columns. Built from reshape + pad (no kernel of its own).
import type { TensorInfo } from "@tensorflow/tfjs-core";
import type { KernelScope } from "./scope.js";

export function dilate(s: KernelScope, t: TensorInfo, sh: number, sw: number): TensorInfo {
  if (sh === 1 && sw === 1) return t;
  const [b, h, w, c] = t.shape as [number, number, number, number];
  const six = s.run("Reshape", { x: t }, { shape: [b, h, 1, w, 1, c] });
  const spread = s.run("PadV2", { x: six },
    { paddings: [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]], constantValue: 0 });
  return s.run("Reshape", { x: spread }, { shape: [b, h * sh, w * sw, c] });
}
