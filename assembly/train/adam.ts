// One Adam step for one variable, in place: m, v and the weights w updated in a single pass over memory (tfjs makes
// ~11 passes, one per elementwise op, with a fresh tensor each). Bit-exact with tfjs's AdamOptimizer: the same
// float32 operations in the same order (src/training/adam.ts), each a correctly rounded IEEE operation in SIMD as in
// scalar code. No fused multiply-add: it rounds once where tfjs rounds twice.

/** m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; w ← (m/c₁ ÷ (√(v/c₂) + ε))·(−lr) + w, for n float32 values at the given
 * byte offsets (c₁, c₂: the bias corrections 1 − βᵗ). */
export function adam(
  w: usize, m: usize, v: usize, g: usize, n: i32,
  beta1: f32, beta2: f32, oneMinusBeta1: f32, oneMinusBeta2: f32, c1: f32, c2: f32, epsilon: f32, negLr: f32,
): void {
  const b1 = f32x4.splat(beta1);
  const b2 = f32x4.splat(beta2);
  const ob1 = f32x4.splat(oneMinusBeta1);
  const ob2 = f32x4.splat(oneMinusBeta2);
  const k1 = f32x4.splat(c1);
  const k2 = f32x4.splat(c2);
  const eps = f32x4.splat(epsilon);
  const lr = f32x4.splat(negLr);
  const end = <usize>n << 2;
  const vectorEnd = end & ~15;
  let i: usize = 0;
  for (; i < vectorEnd; i += 16) {
    const gk = v128.load(g + i);
    const mk = f32x4.add(f32x4.mul(v128.load(m + i), b1), f32x4.mul(gk, ob1));
    const vk = f32x4.add(f32x4.mul(v128.load(v + i), b2), f32x4.mul(f32x4.mul(gk, gk), ob2));
    v128.store(m + i, mk);
    v128.store(v + i, vk);
    const step = f32x4.div(f32x4.div(mk, k1), f32x4.add(f32x4.sqrt(f32x4.div(vk, k2)), eps));
    v128.store(w + i, f32x4.add(f32x4.mul(step, lr), v128.load(w + i)));
  }
  for (; i < end; i += 4) {
    const gk = load<f32>(g + i);
    const mk = load<f32>(m + i) * beta1 + gk * oneMinusBeta1;
    const vk = load<f32>(v + i) * beta2 + gk * gk * oneMinusBeta2;
    store<f32>(m + i, mk);
    store<f32>(v + i, vk);
    const step = mk / c1 / (Mathf.sqrt(vk / c2) + epsilon);
    store<f32>(w + i, step * negLr + load<f32>(w + i));
  }
}
