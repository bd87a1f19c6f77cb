// One training step of a registered model on the wasm backend with ben19's kernels and Adam: a random batch, the
// trainer's loss on the logits view. Shared by the test files that split the models between processes (each file
// gets its own wasm heap, which never shrinks).
import assert from "node:assert/strict";
import { selectBackend } from "../../src/runtime/backend.js";
import { setDropoutStep } from "../../src/models/dropout.js";
import { MODELS, type ModelName } from "../../src/models/registry.js";
import { tf } from "../../src/runtime/tf.js";
import { adam } from "../../src/training/adam.js";
import { logitsModel } from "../../src/training/logits.js";
import { meanSigmoidCrossEntropy } from "../../src/training/loss.js";

/** Asserts a finite loss, changed logits-layer weights and the wasm backend in use throughout (no silent cpu). */
export async function assertTrainsOneStepOnWasm(name: ModelName, batch = 2): Promise<void> {
  await selectBackend("wasm");
  const model = MODELS[name].build(7);
  const logits = logitsModel(model);
  const optimizer = adam(1e-3);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const xs = model.inputs.map((i, k) => tf.randomNormal([batch, ...(i.shape.slice(1) as number[])], 0, 1, "float32", k));
  const y = tf.tensor2d(Array.from({ length: batch }, (_, b) => Array.from({ length: 19 }, (_, c) => ((c + b) % 3 === 0 ? 1 : 0))));
  const probe = model.getLayer("probabilities").input as unknown as { sourceLayer: { getWeights(): tf.Tensor[] } };
  const before = await probe.sourceLayer.getWeights()[0]?.data();
  setDropoutStep(0);
  const loss = optimizer.minimize(() => meanSigmoidCrossEntropy(y, logits.apply(xs, { training: true }) as tf.Tensor) as tf.Scalar, variables);
  const value = (await loss.data())[0] as number;
  assert.equal(tf.getBackend(), "wasm");
  assert.ok(Number.isFinite(value) && value > 0, `${name}: loss ${value}`);
  const after = await probe.sourceLayer.getWeights()[0]?.data();
  assert.ok(before !== undefined && after !== undefined && after.some((v, i) => v !== before[i]), `${name}: the logits layer's weights did not change`);
  tf.dispose([loss, y, ...xs]);
  optimizer.dispose();
  model.dispose();
}
