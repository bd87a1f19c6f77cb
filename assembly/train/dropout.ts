// tf.dropout's forward pass in one pass, bit for bit: tfjs-core draws the uniform noise in JavaScript with
// seedrandom's Alea (one double per value, stored as float32), copies it into the backend, and then runs Add,
// Floor, RealDiv and Multiply over it as four more tensors. Here the same Alea sequence is generated in f64 (the
// generator's state is seeded by the host: Mash runs over the seed's string, which is not worth porting) and each
// value becomes its mask and output at once:
//   u = float32(alea())    m = floor(u + keep) / keep    y = x · m      (each rounded to float32, as tfjs does)
// The mask is written too: the gradient is dy · m, as tfjs's Multiply gradient computes it.
// Alea's step is sequential (each value's carry feeds the next), so it does not vectorise; it still runs several
// times faster than the JavaScript generator, and the four tensor passes and the copy are gone.

/** Alea's step, 2^-32. */
const NORM: f64 = 2.3283064365386963e-10;

/** y = x·m and mask = m over n float32 values (byte offsets), m from the Alea state (s0, s1, s2, c). */
export function dropout(x: usize, y: usize, mask: usize, n: i32, s0: f64, s1: f64, s2: f64, c: f64, keep: f32): void {
  const end = <usize>n << 2;
  for (let i: usize = 0; i < end; i += 4) {
    const t = 2091639 * s0 + c * NORM;
    s0 = s1;
    s1 = s2;
    // Alea takes `t | 0`; t is in [0, 2091640), where that is floor(t) (no conversion to and from an integer).
    c = Math.floor(t);
    s2 = t - c;
    const m = Mathf.floor(<f32>s2 + keep) / keep;
    store<f32>(mask + i, m);
    store<f32>(y + i, load<f32>(x + i) * m);
  }
}
