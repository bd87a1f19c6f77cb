// VGG16 and VGG19 on the wasm backend: the forward pass and every weight's gradient (through ben19's kernels, incl.
// the im2col path of fc6) are finite, and `train` refuses them on wasm with a named error instead of crashing the
// heap (weights + gradients + Adam's moments exceed it; see src/models/memory.ts). Own file: own wasm heap.
import assert from "node:assert/strict";
import { test } from "node:test";
import { selectBackend } from "../../src/models/backend.js";
import { trainingStateBytes, WASM_TENSOR_LIMIT } from "../../src/models/memory.js";
import { MODELS } from "../../src/models/registry.js";
import { tf } from "../../src/models/tf.js";
import { logitsModel } from "../../src/training/logits.js";
import { meanSigmoidCrossEntropy } from "../../src/training/loss.js";
import { train } from "../../src/training/train.js";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../helpers/fixtures.js";

test("vgg16: forward and all gradients on the wasm backend are finite and non-zero", async () => {
  await selectBackend("wasm");
  const model = MODELS.vgg16.build(3);
  const logits = logitsModel(model);
  const x = tf.randomNormal([1, 120, 120, 10], 0, 1, "float32", 1);
  const y = tf.tensor2d([Array.from({ length: 19 }, (_, c) => (c % 3 === 0 ? 1 : 0))]);
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const { value, grads } = tf.variableGrads(() => meanSigmoidCrossEntropy(y, logits.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, vars);
  assert.equal(tf.getBackend(), "wasm");
  assert.ok(Number.isFinite((await value.data())[0] as number));
  for (const name of ["conv1_1/kernel", "fc6/kernel", "fc7/kernel", "fc8/kernel"]) {
    const key = Object.keys(grads).find((k) => k.startsWith(name));
    assert.ok(key !== undefined, `no gradient for ${name}`);
    const g = await (grads[key] as tf.Tensor).data();
    assert.ok(g.every(Number.isFinite) && g.some((v) => v !== 0), `${name}: gradient not finite or all zero`);
  }
  tf.dispose([value, x, y, ...Object.values(grads)]);
  assert.ok(trainingStateBytes(model) >= WASM_TENSOR_LIMIT, "VGG16's training state should exceed the wasm limit");
  model.dispose();
  assert.ok(trainingStateBytes(MODELS.resnet152.build(1)) < WASM_TENSOR_LIMIT, "ResNet152 must fit");
});

test("train refuses vgg19 on the wasm backend with a named error and the fix", async () => {
  const out = tempDir("vgg-run");
  const shard = join(out, "empty.tfrecord");
  writeFileSync(shard, new Uint8Array(0)); // refused before any record is read
  await assert.rejects(train({
    model: "vgg19", train: [shard], out: join(out, "run"), epochs: 1, batchSize: 2, lr: 1e-3, seed: 1, backend: "wasm",
    resample: "tf1-bicubic", shuffleBuffer: 0, checkpointEvery: 0, resume: false,
  }), (e: unknown) => e instanceof Error && /wasm backend holds at most 2 GiB/.test(e.message) && /--backend node/.test((e as { hint?: string }).hint ?? ""));
});
