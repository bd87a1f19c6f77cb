// ben19's fused SIMD Adam (src/runtime/simd/adam-in-place.ts, assembly/train/adam.ts) against the backend's ops it
// replaces on the wasm backend: the same weights and moments, bit for bit, after several steps, for any variable
// size (the kernel does four values at a time, plus a scalar tail) and learning rate. The fused path writes in
// place: the variable keeps its memory (its dataId), where the ops' path assigns a new tensor each step.
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { selectBackend } from "../../src/runtime/backend.js";
import { tf } from "../../src/runtime/tf.js";
import { adam } from "../../src/training/adam.js";

const bits = (a: Float32Array): number[] => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

/** Weights and Adam state (as bits) after `steps` steps on a quadratic loss plus a linear term (gradients of both
 * signs and many magnitudes, some tiny). `seed` ≥ 1: tfjs treats a seed of 0 as none. */
function train(
  n: number, seed: number, lr: number, steps: number, fused: boolean,
): { bits: number[][]; inPlace: boolean } {
  const [w, target, slope] = tf.tidy(() => [
    tf.variable(tf.randomNormal([n], 0, 1, "float32", seed)),
    tf.randomNormal([n], 0, 3, "float32", seed + 1),
    tf.mul(tf.randomNormal([n], 0, 1, "float32", seed + 2), tf.scalar(1e-3)),
  ]) as [tf.Variable, tf.Tensor, tf.Tensor];
  const opt = adam(lr, { hostMoments: false, fused });
  const dataId = w.dataId;
  const loss = (): tf.Scalar => tf.add(tf.mean(tf.square(tf.sub(w, target))), tf.sum(tf.mul(w, slope))) as tf.Scalar;
  for (let i = 0; i < steps; i++) opt.minimize(loss, [w]).dispose();
  const out = [bits(w.dataSync() as Float32Array), ...opt.state().slice(1).map((s) => bits(s.values))];
  const inPlace = w.dataId === dataId;
  opt.dispose();
  tf.dispose([w, target, slope]);
  return { bits: out, inPlace };
}

test("fused SIMD Adam equals the backend's ops bit for bit over 5 steps, for any size (fast-check)", async () => {
  await selectBackend("wasm");
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 1000 }), fc.constantFrom(1e-3, 1e-2, 0.3),
      (n, seed, lr) => {
        const fused = train(n, seed, lr, 5, true);
        const ops = train(n, seed, lr, 5, false);
        assert.ok(fused.inPlace, "the fused kernel should have written the weights in place");
        assert.ok(!ops.inPlace);
        assert.deepEqual(fused.bits, ops.bits);
      }),
    { numRuns: 40 },
  );
});
