// K-BranchCNN and the ResNets train on the wasm backend with ben19's kernels: one Adam step on a random batch
// (the trainer's loss on the logits view) gives a finite loss and changes the weights, and the backend in use is
// wasm throughout (no silent fallback to cpu). VGG16/19 do not fit the wasm heap for training (see
// vgg-gradients.test.ts, which checks their gradients on wasm, and trainingMemory in src/models/memory.ts).
import assert from "node:assert/strict";
import { test } from "node:test";
import { selectBackend } from "../../src/models/backend.js";
import { setDropoutStep } from "../../src/models/dropout.js";
import { MODELS } from "../../src/models/registry.js";
import { tf } from "../../src/models/tf.js";
import { adam } from "../../src/training/adam.js";
import { logitsModel } from "../../src/training/logits.js";
import { meanSigmoidCrossEntropy } from "../../src/training/loss.js";

for (const name of ["kbranch", "resnet50", "resnet101", "resnet152"] as const) {
  test(`${name}: one training step on the wasm backend`, async () => {
    await selectBackend("wasm");
    const model = MODELS[name].build(7);
    const logits = logitsModel(model);
    const optimizer = adam(1e-3);
    const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const xs = model.inputs.map((i, k) => tf.randomNormal([2, ...(i.shape.slice(1) as number[])], 0, 1, "float32", k));
    const y = tf.tensor2d([Array.from({ length: 19 }, (_, c) => (c % 3 === 0 ? 1 : 0)), Array.from({ length: 19 }, (_, c) => (c % 4 === 1 ? 1 : 0))]);
    const probe = model.getLayer("probabilities").input as unknown as { sourceLayer: { getWeights(): tf.Tensor[] } };
    const before = await probe.sourceLayer.getWeights()[0]?.data();
    setDropoutStep(0);
    const loss = optimizer.minimize(() => meanSigmoidCrossEntropy(y, logits.apply(xs, { training: true }) as tf.Tensor), true, variables) as tf.Scalar;
    const value = (await loss.data())[0] as number;
    assert.equal(tf.getBackend(), "wasm");
    assert.ok(Number.isFinite(value) && value > 0, `${name}: loss ${value}`);
    const after = await probe.sourceLayer.getWeights()[0]?.data();
    assert.ok(before !== undefined && after !== undefined && after.some((v, i) => v !== before[i]), `${name}: the logits layer's weights did not change`);
    tf.dispose([loss, y, ...xs]);
    optimizer.dispose();
    model.dispose();
  });
}
