// Ben19Adam (per-variable tidy) must be tfjs's Adam bit for bit: same weights and same saved state after
// several steps on a small problem.
import assert from "node:assert/strict";
import { test } from "node:test";
import { selectBackend } from "../../src/models/backend.js";
import { tf } from "../../src/models/tf.js";
import { adam } from "../../src/training/adam.js";

test("Ben19Adam equals tf.train.adam bit for bit (weights, moments, step) over 5 steps", async () => {
  await selectBackend("wasm");
  const run = async (make: () => tf.Optimizer): Promise<Float32Array[]> => {
    const w = tf.variable(tf.randomNormal([7, 5], 0, 1, "float32", 1));
    const b = tf.variable(tf.randomNormal([5], 0, 1, "float32", 2));
    const x = tf.randomNormal([11, 7], 0, 1, "float32", 3);
    const y = tf.randomNormal([11, 5], 0, 1, "float32", 4);
    const opt = make();
    for (let i = 0; i < 5; i++) opt.minimize(() => tf.mean(tf.square(tf.sub(tf.add(tf.matMul(x, w), b), y))) as tf.Scalar, false, [w, b]);
    const state = await opt.getWeights();
    const out = [await w.data(), await b.data(), ...(await Promise.all(state.map(async (s) => Float32Array.from(await s.tensor.data()))))] as Float32Array[];
    tf.dispose([w, b, x, y]);
    opt.dispose();
    return out;
  };
  const ours = await run(() => adam(1e-2));
  const theirs = await run(() => tf.train.adam(1e-2, 0.9, 0.999, 1e-8));
  assert.equal(ours.length, theirs.length);
  ours.forEach((a, i) => assert.deepEqual(Array.from(a), Array.from(theirs[i] as Float32Array), `tensor ${i} differs`));
});
