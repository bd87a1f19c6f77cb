// ben19's Adam keeps its moments on the backend or, for models as large as VGG, in JavaScript memory; either way it
// must be tfjs's Adam bit for bit: the same weights and the same moments after several steps on a small problem, on
// the wasm and the cpu backend. And its state, restored into a fresh optimizer, continues exactly as the original.
import assert from "node:assert/strict";
import { test } from "node:test";
import { selectBackend } from "../../src/runtime/backend.js";
import { tf } from "../../src/runtime/tf.js";
import { writeInPlace } from "../../src/runtime/wasm-heap.js";
import { adam, type Adam } from "../../src/training/adam.js";

interface Problem {
  variables: tf.Variable[];
  loss: () => tf.Scalar;
  dispose(): void;
}

// A convolution and a dense layer: the wasm backend caches XNNPACK operators with packed copies of both weights, so
// an update written in place (src/runtime/wasm-heap.ts) that failed to drop them would change the next steps.
// Variables made inside tidy own their memory alone, as a model's do, so the in-place path is the one taken.
function problem(): Problem {
  const [k, w, b] = tf.tidy(() => [
    tf.variable(tf.randomNormal([3, 3, 2, 4], 0, 1, "float32", 1)),
    tf.variable(tf.randomNormal([64, 5], 0, 0.2, "float32", 2)),
    tf.variable(tf.randomNormal([5], 0, 1, "float32", 3)),
  ]) as [tf.Variable, tf.Variable, tf.Variable];
  const x = tf.randomNormal([3, 4, 4, 2], 0, 1, "float32", 4) as tf.Tensor4D;
  const y = tf.randomNormal([3, 5], 0, 1, "float32", 5);
  return {
    variables: [k, w, b],
    loss: () => tf.mean(tf.square(tf.sub(tf.add(tf.matMul(tf.reshape(tf.conv2d(x, k as tf.Tensor4D, 1, "same"), [3, 64]), w), b), y))) as tf.Scalar,
    dispose: () => tf.dispose([k, w, b, x, y]),
  };
}

const values = async (ts: tf.Tensor[]): Promise<number[][]> => Promise.all(ts.map(async (t) => Array.from(await t.data())));

for (const [backend, hostMoments] of [["wasm", true], ["wasm", false], ["cpu", true], ["cpu", false]] as const) {
  test(`Adam (moments ${hostMoments ? "in JavaScript" : "on the backend"}) equals tf.train.adam bit for bit (weights and moments) over 6 steps on ${backend}`, async () => {
    await selectBackend(backend);
    const ours = problem();
    const opt = adam(1e-2, { hostMoments });
    if (backend === "wasm") assert.ok(ours.variables.every((v) => writeInPlace(v) !== undefined), "the in-place path should be available");
    for (let i = 0; i < 6; i++) opt.minimize(ours.loss, ours.variables).dispose();
    const theirs = problem();
    const ref = tf.train.adam(1e-2, 0.9, 0.999, 1e-8);
    for (let i = 0; i < 6; i++) ref.minimize(theirs.loss, false, theirs.variables);
    assert.deepEqual(await values(ours.variables), await values(theirs.variables));
    // tfjs lists its state as [iter, m₀, m₁, m₂, v₀, v₁, v₂]; ours as iter, accBeta1, accBeta2, m/0, v/0, m/1, …
    const [iter, ...moments] = await values((await ref.getWeights()).map((s) => s.tensor));
    const state = new Map(opt.state().map((s) => [s.name, Array.from(s.values)]));
    assert.deepEqual([state.get("iter"), ...["m", "v"].flatMap((k) => [0, 1, 2].map((i) => state.get(`${k}/${i}`)))], [iter, ...moments]);
    [ours, theirs].forEach((p) => p.dispose());
    ref.dispose();
    opt.dispose();
  });
}

for (const hostMoments of [true, false]) {
  test(`Adam state (moments ${hostMoments ? "in JavaScript" : "on the backend"}) restored into a new optimizer continues exactly as the original`, async () => {
    await selectBackend("wasm");
    const run = async (split: boolean): Promise<number[][]> => {
      const p = problem();
      let opt: Adam = adam(3e-2, { hostMoments });
      for (let i = 0; i < 7; i++) {
        if (split && i === 3) {
          const saved = opt.state().map((s) => ({ name: s.name, values: Float32Array.from(s.values) }));
          opt.dispose();
          opt = adam(3e-2, { hostMoments });
          opt.restore(saved);
        }
        opt.minimize(p.loss, p.variables).dispose();
      }
      opt.dispose();
      const out = await values(p.variables);
      p.dispose();
      return out;
    };
    assert.deepEqual(await run(true), await run(false));
  });
}
