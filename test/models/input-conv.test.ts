// skipInputGradients: convolutions on model inputs train without computing the input gradient nobody uses, with the
// same weight gradients, and infer exactly as before.
import assert from "node:assert/strict";
import { test } from "node:test";
import { skipInputGradients } from "../../src/models/input-conv.js";
import { selectBackend } from "../../src/runtime/backend.js";
import { tf, tfl } from "../../src/runtime/tf.js";

/** Input → zero padding → conv (bias) → conv → dense: only the first convolution reads a model input. */
function build(): tfl.LayersModel {
  const input = tfl.input({ shape: [9, 7, 3] });
  const padded = tfl.layers.zeroPadding2d({ padding: 1 }).apply(input);
  const c1 = tfl.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: "valid" }).apply(padded);
  const c2 = tfl.layers.conv2d({ filters: 5, kernelSize: 3, padding: "same", activation: "relu" }).apply(c1);
  const out = tfl.layers.dense({ units: 2 }).apply(tfl.layers.flatten().apply(c2)) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: out });
}

test("skipInputGradients: one input gradient fewer, equal weight gradients, identical inference (wasm)", async () => {
  await selectBackend("wasm");
  const plain = build();
  const ours = build();
  ours.setWeights(plain.getWeights());
  skipInputGradients(ours);
  const x = tf.randomUniform([2, 9, 7, 3], -1, 1, "float32", 1);
  const run = async (m: tfl.LayersModel) => {
    const vars = m.trainableWeights.map((w) => w.read() as tf.Variable);
    let grads: tf.Tensor[] = [];
    const profile = await tf.profile(() => {
      const loss = (): tf.Scalar => tf.sum(m.apply(x, { training: true }) as tf.Tensor) as tf.Scalar;
      const { grads: g } = tf.variableGrads(loss, vars);
      grads = vars.map((v) => g[v.name] as tf.Tensor);
    });
    const inputGrads = profile.kernels.filter((k) => k.name === "Conv2DBackpropInput").length;
    const predicted = await (m.predict(x) as tf.Tensor).data();
    return { inputGrads, grads: await Promise.all(grads.map((g) => g.data())), predicted };
  };
  const a = await run(plain);
  const b = await run(ours);
  assert.equal(a.inputGrads, 2);
  assert.equal(b.inputGrads, 1, "the first convolution's input gradient is still computed");
  for (const [i, g] of a.grads.entries()) {
    const h = b.grads[i] as Float32Array;
    const scale = Math.max(...Array.from(g, Math.abs));
    const diff = Math.max(...Array.from(g, (v, j) => Math.abs(v - (h[j] as number))));
    assert.ok(diff <= 1e-5 * scale, `weight ${i}: gradients differ by ${diff} (scale ${scale})`);
  }
  assert.deepEqual(Array.from(b.predicted), Array.from(a.predicted), "inference keeps the fused convolution");
});
