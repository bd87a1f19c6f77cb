// MaxPoolGrad (NHWC, float32): each window's gradient goes to the first position, in row-major window order, that
// holds the window's maximum (ties, common after a ReLU, go to the first), as tfjs and TF do. Four channels at a
// time: per window, a running maximum and the element index where it was first reached; then four scattered adds.
// Windows are visited in output order, so every dx element sums its contributions in the same order as a scalar
// loop over outputs would.

/** Adds `gv`'s lanes to dx at the element indices in `where` (−1: the window had no finite maximum; skipped). */
// @ts-ignore: decorator
@inline function scatter4(dx: usize, where: v128, gv: v128): void {
  scatterOne(dx, i32x4.extract_lane(where, 0), f32x4.extract_lane(gv, 0));
  scatterOne(dx, i32x4.extract_lane(where, 1), f32x4.extract_lane(gv, 1));
  scatterOne(dx, i32x4.extract_lane(where, 2), f32x4.extract_lane(gv, 2));
  scatterOne(dx, i32x4.extract_lane(where, 3), f32x4.extract_lane(gv, 3));
}

// @ts-ignore: decorator
@inline function scatterOne(dx: usize, at: i32, g: f32): void {
  if (at < 0) return;
  const p = dx + (<usize>at << 2);
  store<f32>(p, load<f32>(p) + g);
}

/** dx (nb×h×w×c, zeroed here) from x (the pooling's input) and dy (nb×oh×ow×c); byte offsets. Element indices fit
 * an i32: a tensor on a 4 GB heap has fewer than 2³⁰ elements. */
export function maxPoolGrad(
  x: usize, dy: usize, dx: usize, nb: i32, h: i32, w: i32, c: i32, oh: i32, ow: i32,
  sh: i32, sw: i32, fh: i32, fw: i32, top: i32, left: i32,
): void {
  memory.fill(dx, 0, (<usize>nb * h * w * c) << 2);
  const c4 = c & ~3;
  const lanes = i32x4(0, 1, 2, 3);
  const none = i32x4.splat(-1);
  const lowest = f32x4.splat(-Infinity);
  let gBase = 0;
  for (let b = 0; b < nb; b++) {
    for (let oy = 0; oy < oh; oy++) {
      const y0 = oy * sh - top;
      const y1 = min(h, y0 + fh);
      const ys = max(0, y0);
      for (let ox = 0; ox < ow; ox++, gBase += c) {
        const x0 = ox * sw - left;
        const x1 = min(w, x0 + fw);
        const xs = max(0, x0);
        for (let ch = 0; ch < c4; ch += 4) {
          let best = lowest;
          let where = none;
          for (let iy = ys; iy < y1; iy++) {
            for (let ix = xs; ix < x1; ix++) {
              const at = ((b * h + iy) * w + ix) * c + ch;
              const value = v128.load(x + (<usize>at << 2));
              const greater = f32x4.gt(value, best);
              best = v128.bitselect(value, best, greater);
              where = v128.bitselect(i32x4.add(i32x4.splat(at), lanes), where, greater);
            }
          }
          scatter4(dx, where, v128.load(dy + (<usize>(gBase + ch) << 2)));
        }
        for (let ch = c4; ch < c; ch++) {
          let best = -Infinity as f32;
          let where = -1;
          for (let iy = ys; iy < y1; iy++) {
            for (let ix = xs; ix < x1; ix++) {
              const at = ((b * h + iy) * w + ix) * c + ch;
              const value = load<f32>(x + (<usize>at << 2));
              if (value > best) {
                best = value;
                where = at;
              }
            }
          }
          scatterOne(dx, where, load<f32>(dy + (<usize>(gBase + ch) << 2)));
        }
      }
    }
  }
}
