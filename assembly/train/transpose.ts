// Transpose for the permutations training makes most (a matrix transpose, and moving a run of axes past another:
// [B,H,W,C] → [H,W,B,C] in the convolution gradients): out[a][s][r][t] = in[a][r][s][t] over float32 values. The
// backend's Transpose is a generic element loop (measured: 6 ns a value for K-BranchCNN's 57,600×128 weights);
// here matrices go 4×4 at a time through SIMD shuffles in 32×32 tiles that stay in cache, and blocks of t > 1
// values move whole.

/** Values per tile side: 32×32 float32 tiles of source and destination (8 KB) stay in L1. */
const TILE = 32;

/** A 4×4 block: rows of `src` (stride `from` bytes) become columns of `dst` (stride `to` bytes). */
// @ts-ignore: decorator
@inline function block4(src: usize, dst: usize, from: usize, to: usize): void {
  const a0 = v128.load(src);
  const a1 = v128.load(src + from);
  const a2 = v128.load(src + 2 * from);
  const a3 = v128.load(src + 3 * from);
  const t0 = v128.shuffle<i32>(a0, a1, 0, 4, 1, 5);
  const t1 = v128.shuffle<i32>(a0, a1, 2, 6, 3, 7);
  const t2 = v128.shuffle<i32>(a2, a3, 0, 4, 1, 5);
  const t3 = v128.shuffle<i32>(a2, a3, 2, 6, 3, 7);
  v128.store(dst, v128.shuffle<i64>(t0, t2, 0, 2));
  v128.store(dst + to, v128.shuffle<i64>(t0, t2, 1, 3));
  v128.store(dst + 2 * to, v128.shuffle<i64>(t1, t3, 0, 2));
  v128.store(dst + 3 * to, v128.shuffle<i64>(t1, t3, 1, 3));
}

/** dst (s × r) = transpose of src (r × s), float32. */
function matrix(src: usize, dst: usize, r: i32, s: i32): void {
  const from = <usize>s << 2;
  const to = <usize>r << 2;
  for (let rb = 0; rb < r; rb += TILE) {
    const rEnd = min(rb + TILE, r);
    for (let sb = 0; sb < s; sb += TILE) {
      const sEnd = min(sb + TILE, s);
      let i = rb;
      for (; i + 4 <= rEnd; i += 4) {
        let j = sb;
        for (; j + 4 <= sEnd; j += 4) {
          block4(src + <usize>i * from + (<usize>j << 2), dst + <usize>j * to + (<usize>i << 2), from, to);
        }
        for (; j < sEnd; j++) {
          for (let k = 0; k < 4; k++) {
            const v = load<f32>(src + <usize>(i + k) * from + (<usize>j << 2));
            store<f32>(dst + <usize>j * to + (<usize>(i + k) << 2), v);
          }
        }
      }
      for (; i < rEnd; i++) {
        for (let j = sb; j < sEnd; j++) {
          store<f32>(dst + <usize>j * to + (<usize>i << 2), load<f32>(src + <usize>i * from + (<usize>j << 2)));
        }
      }
    }
  }
}

/** dst[s][r][·] = src[r][s][·] for blocks of t float32 values. */
function blocks(src: usize, dst: usize, r: i32, s: i32, t: i32): void {
  const bytes = <usize>t << 2;
  const vectorBytes = bytes & ~15;
  for (let i = 0; i < r; i++) {
    for (let j = 0; j < s; j++) {
      const from = src + (<usize>i * s + j) * bytes;
      const to = dst + (<usize>j * r + i) * bytes;
      let k: usize = 0;
      for (; k < vectorBytes; k += 16) v128.store(to + k, v128.load(from + k));
      for (; k < bytes; k += 4) store<f32>(to + k, load<f32>(from + k));
    }
  }
}

/** out[a][s][r][t] = in[a][r][s][t], float32, at byte offsets `src` and `dst` (which must not overlap). */
export function swapAxes(src: usize, dst: usize, a: i32, r: i32, s: i32, t: i32): void {
  const plane = (<usize>r * s * t) << 2;
  for (let i = 0; i < a; i++) {
    const from = src + <usize>i * plane;
    const to = dst + <usize>i * plane;
    if (t == 1) matrix(from, to, r, s);
    else blocks(from, to, r, s, t);
  }
}
