// `ben19 import-tf1` end to end for K-BranchCNN (from a zip) and ResNet50 (an extracted folder, two data shards):
// see test/helpers/import-check.ts for what is checked. Then the name mapping of all six networks against the
// reference's variables, and a checkpoint that does not fit.
import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { inferModel, tfWeight } from "../../src/ckpt/names.js";
import { run } from "../../src/cli/index.js";
import { memoryIo } from "../../src/cli/io.js";
import { selectBackend } from "../../src/runtime/backend.js";
import { MODELS } from "../../src/models/registry.js";
import { createCore } from "../../src/wasm/core.js";
import { f32, writeBundle } from "../helpers/bundle-writer.js";
import { PROJECT_ROOT } from "../helpers/env.js";
import { tempDir } from "../helpers/fixtures.js";
import { checkImport } from "../helpers/import-check.js";
import { referenceVariables } from "../helpers/reference-ckpt.js";

test("import-tf1 K-BranchCNN from a zip: weights equal the checkpoint's, logits equal the reference's", async () => {
  const r = await checkImport("kbranch", { zip: true, batch: 2 });
  assert.ok(r.maxLogit > 0);
});

test("import-tf1 ResNet50 from a folder with two data shards: weights and logits", async () => {
  const r = await checkImport("resnet50", { zip: false, batch: 1, shards: 2 });
  assert.ok(r.maxLogit > 0);
});

// The full checks (here and in import-large.test.ts) prove the mapping of kbranch, resnet50, vgg16 and resnet152;
// VGG19 and ResNet101 get this one (names and shapes, no values), cheap enough for every run.
test("names: VGG19's and ResNet101's weights map onto exactly the reference's variables and shapes", async () => {
  await selectBackend("cpu");
  for (const model of ["vgg19", "resnet101"] as const) {
    const net = MODELS[model].build(0);
    const mapped = net.weights.map((w) => {
      const t = tfWeight(model, w.originalName, w.shape as number[]);
      assert.ok(t !== undefined, `${model}: ${w.originalName} has no reference name`);
      return `${t.name} [${t.shape.join(",")}]`;
    }).sort();
    const reference = referenceVariables(model).map((v) => `${v.name} [${v.shape.join(",")}]`).sort();
    assert.deepEqual(mapped, reference, model);
    assert.equal(inferModel(reference.map((r) => r.split(" ")[0] as string)), model);
    net.dispose();
  }
});

test("a checkpoint that does not fit is one named error listing every difference; nothing is written", async () => {
  const dir = tempDir("import-bad-");
  const core = await createCore();
  const vars = referenceVariables("kbranch");
  const tensors = vars
    .filter((v) => v.name !== "CNN_20m_branch/conv_block_1/batch_norm/moving_mean") // missing
    // 43 classes
    .map((v) => (v.name.startsWith("classification/fc_layer/")
      ? { ...v, shape: v.shape.map((d) => (d === 19 ? 43 : d)) }
      : v))
    .map((v) => f32(v.name, v.shape, new Float32Array(v.shape.reduce((a, b) => a * b, 1))));
  // unexpected
  tensors.push(f32("CNN_60m_branch/conv_block_3/conv_layer/kernel", [2, 2, 32, 32], new Float32Array(4096)));
  const slot = "CNN_10m_branch/conv_block_0/conv_layer/bias/Adam";
  tensors.push({ name: slot, dtype: 1, shape: [32], data: new Uint8Array(128) });
  writeBundle(join(dir, "k", "model.ckpt-10"), tensors, core);
  const out = join(dir, "out");
  const io = memoryIo();
  assert.equal(await run(["import-tf1", join(dir, "k"), "-o", out], io), 1);
  assert.match(io.stderr, /CheckpointError|does not fit ben19's K-BranchCNN \(4 differences\)/);
  assert.match(io.stderr, /missing CNN_20m_branch\/conv_block_1\/batch_norm\/moving_mean \[32\]/);
  assert.match(io.stderr, /classification\/fc_layer\/kernel has shape \[128, 43\], ben19 expects \[128, 19\]/);
  assert.match(io.stderr, /classification\/fc_layer\/bias has shape \[43\], ben19 expects \[19\]/);
  assert.match(io.stderr, /unexpected CNN_60m_branch\/conv_block_3\/conv_layer\/kernel \[2, 2, 32, 32\]/);
  assert.doesNotMatch(io.stderr, /Adam/); // optimizer slots are not differences
  assert.doesNotMatch(io.stderr, /\n\s+at /);
  assert.equal(existsSync(out), false);
  assert.deepEqual(readdirSync(dir).sort(), ["k"]);

  const wrong = memoryIo();
  assert.equal(await run(["import-tf1", join(dir, "k"), "--model", "resnet50", "-o", out], wrong), 1);
  assert.match(wrong.stderr,
    /holds K-BranchCNN \(variables under CNN_10m_branch\/\), not ResNet50 \(use --model kbranch/);
  const none = memoryIo();
  const counter = join(PROJECT_ROOT, "test", "fixtures", "tf1", "saved_model_counter");
  assert.equal(await run(["import-tf1", counter, "-o", out], none), 1);
  assert.match(none.stderr, /cannot tell which network the checkpoint holds \(top-level scopes: counter\)/);
});
