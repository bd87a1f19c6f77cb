// Reverse on wasm as block copies (ours where the reversed axes leave blocks of ≥ 64 values, the backend's below)
// against tfjs's cpu backend, bit for bit, over random shapes and axis sets; and the filter flip the convolution
// input gradient makes.
import assert from "node:assert/strict";
import { test } from "node:test";
import "@tensorflow/tfjs-backend-cpu";
import fc from "fast-check";
import { selectBackend } from "../../src/runtime/backend.js";
import { tf } from "../../src/runtime/tf.js";
import { opBits } from "../helpers/bits.js";

const reversed = async (backend: string, values: Float32Array, shape: number[], dims: number[]) =>
  (await opBits(backend, values, shape, (x) => tf.reverse(x, dims))).bits;

const valuesOf = (n: number): Float32Array =>
  Float32Array.from({ length: n }, (_, i) => (i === 2 ? -0 : i === 7 ? NaN : Math.cos(i) * 1e4));

test("the wasm Reverse equals the cpu backend's bit for bit (block copies or the backend's loop)", async () => {
  await selectBackend("wasm", { threads: 1 });
  await fc.assert(fc.asyncProperty(
    fc.array(fc.oneof(fc.integer({ min: 1, max: 6 }), fc.constantFrom(16, 64, 70)), { minLength: 1, maxLength: 4 })
      .filter((s) => s.reduce((a, b) => a * b, 1) <= 100_000),
    fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
    async (shape, pick) => {
      // Some axes named from the end (negative), as tfjs allows.
      const dims = shape.map((_, a) => a).filter((a) => pick[a] === true)
        .map((a, i) => (i % 2 === 1 ? a - shape.length : a));
      const n = shape.reduce((a, b) => a * b, 1);
      const want = await reversed("cpu", valuesOf(n), shape, dims);
      const got = await reversed("wasm", valuesOf(n), shape, dims);
      assert.deepEqual(got, want, `shape ${shape}, dims ${dims}`);
    },
  ), { numRuns: 120 });
});

test("a [3,3,256,256] filter flipped over its spatial axes, as the input gradient does, on 2 threads", async () => {
  const shape = [3, 3, 256, 256];
  const n = 3 * 3 * 256 * 256;
  const want = await reversed("cpu", valuesOf(n), shape, [0, 1]);
  await selectBackend("wasm", { threads: 2 });
  assert.deepEqual(await reversed("wasm", valuesOf(n), shape, [0, 1]), want);
});
