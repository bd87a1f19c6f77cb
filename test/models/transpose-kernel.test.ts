// Transpose on wasm through ben19's SIMD module (swaps of two adjacent runs of axes) against tfjs's cpu backend, bit
// for bit, over random shapes and every kind of permutation (the others fall back to the backend's kernel).
import assert from "node:assert/strict";
import { test } from "node:test";
import "@tensorflow/tfjs-backend-cpu";
import fc from "fast-check";
import { selectBackend } from "../../src/runtime/backend.js";
import { swapView } from "../../src/runtime/kernels/transpose.js";
import { tf } from "../../src/runtime/tf.js";
import { opBits } from "../helpers/bits.js";

const transposed = async (backend: string, values: Float32Array, shape: number[], perm: number[]) => {
  const r = await opBits(backend, values, shape, (x) => tf.transpose(x, perm));
  return { out: r.bits, shape: r.shape };
};

test("swapView finds the swaps of adjacent axis runs, ignoring axes of size 1", () => {
  assert.deepEqual(swapView([57600, 128], [1, 0]), [1, 57600, 128, 1]);
  assert.deepEqual(swapView([32, 60, 60, 32], [1, 2, 0, 3]), [1, 32, 3600, 32]);
  assert.deepEqual(swapView([4, 5, 6, 7], [0, 2, 1, 3]), [4, 5, 6, 7]);
  assert.deepEqual(swapView([4, 5, 6], [0, 2, 1]), [4, 5, 6, 1]);
  assert.deepEqual(swapView([1, 32, 1, 7], [3, 1, 2, 0]), [1, 32, 7, 1]);
  assert.equal(swapView([1, 32, 1, 7], [1, 0, 3, 2]), undefined, "only axes of size 1 move: a copy");
  assert.equal(swapView([32, 60, 60, 32], [3, 1, 2, 0]), undefined);
  assert.equal(swapView([4, 5, 6], [0, 1, 2]), undefined);
});

test("the wasm Transpose equals the cpu backend's bit for bit, fast path or not", async () => {
  await selectBackend("wasm", { threads: 1 });
  let fast = 0;
  await fc.assert(fc.asyncProperty(
    fc.array(fc.oneof(fc.integer({ min: 1, max: 9 }), fc.constantFrom(1, 33, 37, 64)), { minLength: 1, maxLength: 5 })
      .filter((s) => s.reduce((a, b) => a * b, 1) <= 200_000),
    fc.integer({ min: 0, max: 1_000_000 }),
    async (shape, seed) => {
      const perm = shape.map((_, i) => i);
      for (let i = perm.length - 1; i > 0; i--) { // a seeded shuffle
        const j = (seed * (i + 7)) % (i + 1);
        [perm[i], perm[j]] = [perm[j] as number, perm[i] as number];
      }
      if (swapView(shape, perm) !== undefined) fast++;
      const n = shape.reduce((a, b) => a * b, 1);
      const values = Float32Array.from({ length: n }, (_, i) => (i === 3 ? -0 : i === 5 ? NaN : Math.sin(i) * 1e3));
      const want = await transposed("cpu", values, shape, perm);
      const got = await transposed("wasm", values, shape, perm);
      assert.deepEqual(got.shape, want.shape);
      assert.deepEqual(got.out, want.out, `shape ${shape}, perm ${perm}`);
    },
  ), { numRuns: 150 });
  assert.ok(fast >= 30, `only ${fast} of 150 cases took the SIMD path`);
});
