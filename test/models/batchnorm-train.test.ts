// The closed-form training batch norm against tfjs-layers' own (moments + batchNorm + autodiff), on wasm: the
// same outputs and moving statistics bit for bit, the same gradients within float32 rounding.
import assert from "node:assert/strict";
import { test } from "node:test";
import { useClosedFormBatchNorm } from "../../src/models/batchnorm-train.js";
import { setDropoutStep } from "../../src/models/dropout.js";
import { MODELS } from "../../src/models/registry.js";
import { selectBackend } from "../../src/runtime/backend.js";
import { tf, tfl } from "../../src/runtime/tf.js";

interface Run {
  kernels: number;
  y: Float32Array;
  grads: Float32Array[];
  moving: Float32Array[];
}

/** Output, gradients of Σ y·w with respect to `wrt` (or every trainable weight) and the moving statistics after
 * one training call of `model`, with the closed form on or off. Restores the model's weights afterwards. */
async function run(model: tfl.LayersModel, xs: tf.Tensor[], closedForm: boolean): Promise<Run> {
  const before = model.getWeights().map((w) => w.clone());
  useClosedFormBatchNorm(closedForm);
  try {
    setDropoutStep(3);
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    let y: tf.Tensor = tf.scalar(0);
    const w = tf.randomUniform(model.outputs[0]?.shape.map((d) => d ?? xs[0]?.shape[0] ?? 1) as number[], -1, 1,
      "float32", 11);
    const f = (...inputs: tf.Tensor[]): tf.Scalar => {
      y = tf.keep(model.apply(inputs, { training: true }) as tf.Tensor);
      return tf.sum(tf.mul(y, w));
    };
    // Gradients with respect to the weights and to the inputs (dx of the first batch norm reaches them).
    let grads: tf.NamedTensorMap = {};
    const profile = await tf.profile(() => {
      grads = tf.variableGrads(() => f(...xs), vars).grads;
    });
    const moving = model.weights.filter((v) => v.originalName.includes("moving")).map((v) => v.read().dataSync());
    const inputGrads = tf.grads(f)(xs);
    const out = {
      kernels: profile.kernels.length,
      y: y.dataSync() as Float32Array,
      grads: [...vars.map((v) => grads[v.name] as tf.Tensor), ...inputGrads].map((g) => g.dataSync() as Float32Array),
      moving: moving as Float32Array[],
    };
    tf.dispose([y, w, ...Object.values(grads), ...inputGrads]);
    return out;
  } finally {
    useClosedFormBatchNorm(true);
    model.setWeights(before);
    tf.dispose(before);
  }
}

function compare(ours: Run, layers: Run, tolerance: number): void {
  assert.ok(ours.kernels < layers.kernels, `${ours.kernels} kernels in a step, tfjs-layers' took ${layers.kernels}`);
  assert.deepEqual(ours.y, layers.y, "outputs are not bit-identical");
  assert.ok(ours.moving.length > 0);
  ours.moving.forEach((m, i) => assert.deepEqual(m, layers.moving[i], `moving statistic ${i} differs`));
  assert.equal(ours.grads.length, layers.grads.length);
  const largest = (a: Float32Array): number => a.reduce((s, v) => Math.max(s, Math.abs(v)), 0);
  // The bias of a layer before a batch norm has a zero gradient in exact arithmetic (the batch mean takes it out):
  // both sides' values there are rounding noise, so each gradient is compared at least at 1 % of the largest.
  const floor = 0.01 * Math.max(...layers.grads.map(largest));
  ours.grads.forEach((g, i) => {
    const h = layers.grads[i] as Float32Array;
    const scale = Math.max(largest(h), floor);
    const diff = g.reduce((s, v, j) => Math.max(s, Math.abs(v - (h[j] as number))), 0);
    assert.ok(diff <= tolerance * scale, `gradient ${i} differs by ${diff} (scale ${scale})`);
  });
}

/** conv → batch norm → relu → dense → batch norm, with non-trivial γ, β. */
function small(): tfl.LayersModel {
  const input = tfl.input({ shape: [6, 5, 3] });
  const bn = (): tfl.layers.Layer => tfl.layers.batchNormalization({
    momentum: 0.9, epsilon: 1e-3, gammaInitializer: tfl.initializers.randomUniform({ minval: 0.5, maxval: 1.5 }),
    betaInitializer: tfl.initializers.randomUniform({ minval: -0.5, maxval: 0.5 }),
  });
  let x = tfl.layers.conv2d({ filters: 8, kernelSize: 3, padding: "same" }).apply(input) as tfl.SymbolicTensor;
  x = tfl.layers.activation({ activation: "relu" }).apply(bn().apply(x)) as tfl.SymbolicTensor;
  x = tfl.layers.dense({ units: 7 }).apply(tfl.layers.flatten().apply(x)) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: bn().apply(x) as tfl.SymbolicTensor });
}

test("closed-form batch norm: conv and dense batch norms as tfjs-layers' (wasm)", async () => {
  await selectBackend("wasm");
  const model = small();
  // An offset mean (|μ| ≫ σ would expose a cancelling formula).
  const x = tf.add(tf.randomNormal([4, 6, 5, 3], 0, 1, "float32", 1), tf.scalar(3));
  compare(await run(model, [x], true), await run(model, [x], false), 1e-4);
  tf.dispose(x);
  model.dispose();
});

test("closed-form batch norm: K-BranchCNN's output, moving statistics and every gradient (wasm)", async () => {
  await selectBackend("wasm");
  const model = MODELS.kbranch.build(2);
  const xs = model.inputs.map((i, k) => tf.randomNormal([4, ...(i.shape.slice(1) as number[])], 0, 1, "float32", k));
  compare(await run(model, xs, true), await run(model, xs, false), 1e-3);
  tf.dispose(xs);
  model.dispose();
});
