// The gradient of ReLU: dx = dy·step(x), one pass where tfjs makes three (Step, Cast, Multiply) with two temporary
// tensors. step(x) is 1 for x > 0, NaN for NaN, else 0, and the product is still taken (not a select of dy or 0), so
// the bits are tfjs's: 0·(negative dy) is −0, and an infinite or NaN dy gives NaN.

/** dx = dy·step(x) over n float32 values at the given byte offsets (dx may be dy). */
export function reluGrad(x: usize, dy: usize, dx: usize, n: i32): void {
  const one = f32x4.splat(1);
  const zero = f32x4.splat(0);
  const end = <usize>n << 2;
  const vectorEnd = end & ~15;
  let i: usize = 0;
  for (; i < vectorEnd; i += 16) {
    const xv = v128.load(x + i);
    let step = v128.bitselect(one, zero, f32x4.gt(xv, zero));
    step = v128.bitselect(xv, step, f32x4.ne(xv, xv));
    v128.store(dx + i, f32x4.mul(v128.load(dy + i), step));
  }
  for (; i < end; i += 4) {
    const xi = load<f32>(x + i);
    const step: f32 = xi > 0 ? 1 : xi != xi ? xi : 0;
    store<f32>(dx + i, load<f32>(dy + i) * step);
  }
}
