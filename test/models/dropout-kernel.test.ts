// SeededDropout's one-pass wasm kernel (assembly/train/dropout.ts) against tf.dropout on tfjs's cpu backend, bit for
// bit: outputs and gradients, over random shapes, rates and seeds (including the 32-bit seeds the trainer mixes).
import assert from "node:assert/strict";
import { test } from "node:test";
import "@tensorflow/tfjs-backend-cpu";
import fc from "fast-check";
import { aleaState, seededDropout } from "../../src/runtime/kernels/dropout.js";
import { selectBackend } from "../../src/runtime/backend.js";
import { trainKernels } from "../../src/runtime/simd/train-module.js";
import { tf } from "../../src/runtime/tf.js";

/** The output and the gradient of sum(dropout(x) · w) with respect to x, as raw bits. */
async function run(backend: string, drop: (x: tf.Tensor) => tf.Tensor, x: number[], w: number[], shape: number[]) {
  await tf.setBackend(backend);
  const xt = tf.tensor(x, shape);
  const wt = tf.tensor(w, shape);
  const y = drop(xt);
  const g = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(drop(a), wt)))(xt);
  const out = [new Uint32Array((await y.data<"float32">()).slice().buffer),
    new Uint32Array((await g.data<"float32">()).slice().buffer)];
  tf.dispose([xt, wt, y, g]);
  return out;
}

test("Alea seeded as seedrandom seeds it: its first values are tf.randomUniform's", async () => {
  await tf.setBackend("cpu");
  for (const seed of ["0", "1", "4294967295", "123456789"]) {
    const want = await tf.randomUniform([5], 0, 1, "float32", Number(seed)).data();
    let [s0, s1, s2, c] = aleaState(seed);
    const got = Array.from({ length: 5 }, () => {
      const t = 2091639 * s0 + c * 2.3283064365386963e-10;
      [s0, s1, c] = [s1, s2, t | 0];
      s2 = t - c;
      return Math.fround(s2);
    });
    assert.deepEqual(got, Array.from(want), `seed ${seed}`);
  }
});

test("the wasm dropout kernel gives tf.dropout's outputs and gradients bit for bit", async () => {
  await selectBackend("wasm", { threads: 1 });
  assert.ok(trainKernels(tf.backend()) !== undefined, "the SIMD training module runs here");
  await fc.assert(fc.asyncProperty(
    fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 4 }),
    fc.constantFrom(0.25, 0.5, 0.1, 0.9, 1 / 3),
    fc.integer({ min: 0, max: 0xffffffff }),
    async (shape, rate, seed) => {
      const n = shape.reduce((a, b) => a * b, 1);
      const values = (k: number): number[] => Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898 + k) * 43.7);
      const x = values(1);
      const w = values(2);
      const want = await run("cpu", (t) => tf.dropout(t, rate, undefined, seed), x, w, shape);
      const got = await run("wasm", (t) => seededDropout(t, rate, seed), x, w, shape);
      assert.deepEqual(got[0], want[0], `outputs, shape ${shape}, rate ${rate}, seed ${seed}`);
      assert.deepEqual(got[1], want[1], `gradients, shape ${shape}, rate ${rate}, seed ${seed}`);
    },
  ), { numRuns: 60 });
});

test("a batch-sized tensor (10^5 values) matches too, and about the expected share is dropped", async () => {
  const shape = [4, 50, 50, 10];
  const n = 100_000;
  const x = Array.from({ length: n }, (_, i) => (i % 97) - 48.5);
  const w = Array.from({ length: n }, (_, i) => (i % 13) - 6);
  const want = await run("cpu", (t) => tf.dropout(t, 0.25, undefined, 987654321), x, w, shape);
  await selectBackend("wasm", { threads: 2 });
  const got = await run("wasm", (t) => seededDropout(t, 0.25, 987654321), x, w, shape);
  assert.deepEqual(got[0], want[0]);
  assert.deepEqual(got[1], want[1]);
  const dropped = (got[0] as Uint32Array).filter((b) => b === 0 || b === 0x80000000).length;
  assert.ok(Math.abs(dropped / n - 0.25) < 0.01, `dropped share ${dropped / n}`);
});
