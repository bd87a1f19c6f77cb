// Batch norm's training gradient (src/models/batchnorm-train.ts) in two passes over NHWC values seen as rows of c
// channels, where the tensor ops take seven (x̂, dy·x̂, two per-channel sums, dy·a, an affine map of x, the add):
//   pass 1: dβ = Σ dy, dγ = Σ dy·x̂ per channel, x̂ = (x − mean)·invStd, summed in f64 (a step sums up to ~500 k
//           values per channel, more than float32 keeps exactly);
//   pass 2: dx = dy·a − x̂·k − m, with a = γ·invStd, k = a·dγ/N, m = a·dβ/N computed by the host.
// Four channels per SIMD step; c must be a multiple of 4 (the host checks).

/** dβ (f32 [c]) and dγ (f32 [c]) from x and dy (rows × c); `sums` is 2c f64 of scratch. Byte offsets. */
export function batchNormGradSums(
  x: usize, dy: usize, mean: usize, invStd: usize, rows: i32, c: i32, sums: usize, dGamma: usize, dBeta: usize,
): void {
  const row = <usize>c << 2;
  const half = <usize>c << 3; // dγ's f64 sums follow dβ's
  memory.fill(sums, 0, <usize>c << 4);
  for (let r = 0; r < rows; r++) {
    const xr = x + <usize>r * row;
    const dr = dy + <usize>r * row;
    for (let j: usize = 0; j < row; j += 16) {
      const g = v128.load(dr + j);
      const xh = f32x4.mul(f32x4.sub(v128.load(xr + j), v128.load(mean + j)), v128.load(invStd + j));
      const p = f32x4.mul(g, xh);
      const s = sums + (j << 1);
      v128.store(s, f64x2.add(v128.load(s), f64x2.promote_low_f32x4(g)));
      v128.store(s + 16, f64x2.add(v128.load(s + 16), f64x2.promote_low_f32x4(v128.shuffle<i64>(g, g, 1, 0))));
      v128.store(s + half, f64x2.add(v128.load(s + half), f64x2.promote_low_f32x4(p)));
      const ph = v128.shuffle<i64>(p, p, 1, 0);
      v128.store(s + half + 16, f64x2.add(v128.load(s + half + 16), f64x2.promote_low_f32x4(ph)));
    }
  }
  for (let i: usize = 0; i < <usize>c; i++) {
    store<f32>(dBeta + (i << 2), <f32>load<f64>(sums + (i << 3)));
    store<f32>(dGamma + (i << 2), <f32>load<f64>(sums + half + (i << 3)));
  }
}

/** dx = dy·a − (x − mean)·invStd·k − m over rows × c values; per-channel a, k, m. Byte offsets. */
export function batchNormGradDx(
  x: usize, dy: usize, dx: usize, mean: usize, invStd: usize, a: usize, k: usize, m: usize, rows: i32, c: i32,
): void {
  const row = <usize>c << 2;
  for (let r = 0; r < rows; r++) {
    const at = <usize>r * row;
    for (let j: usize = 0; j < row; j += 16) {
      const xh = f32x4.mul(f32x4.sub(v128.load(x + at + j), v128.load(mean + j)), v128.load(invStd + j));
      const ga = f32x4.mul(v128.load(dy + at + j), v128.load(a + j));
      v128.store(dx + at + j, f32x4.sub(f32x4.sub(ga, f32x4.mul(xh, v128.load(k + j))), v128.load(m + j)));
    }
  }
}
