// Model folders: save → load gives the same network and predictions, ben19.json carries the preprocessing, and
// a missing or inconsistent piece is a named error.
import assert from "node:assert/strict";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { REFERENCE_STATS } from "../../src/core/stats.js";
import { ModelError } from "../../src/core/errors.js";
import { selectBackend } from "../../src/runtime/backend.js";
import { loadModel, saveModel } from "../../src/models/io.js";
import { makeMetadata, METADATA_FILE } from "../../src/contract/metadata.js";
import { MODELS } from "../../src/models/registry.js";
import { tf } from "../../src/runtime/tf.js";
import { tempDir } from "../helpers/fixtures.js";

test("save → load: same weights, same predictions, metadata intact (kbranch and resnet50)", async () => {
  await selectBackend("wasm");
  for (const name of ["kbranch", "resnet50"] as const) {
    const dir = join(tempDir(`model-${name}`), "model");
    const model = MODELS[name].build(3);
    const meta = makeMetadata(name, { stats: REFERENCE_STATS, resample: "tf1-bicubic", training: { epochs: 0 } });
    await saveModel(model, meta, dir);
    const loaded = await loadModel(dir);
    assert.deepEqual(loaded.meta, meta);
    assert.equal(loaded.model.weights.length, model.weights.length);
    const xs = model.inputs.map((i, k) => tf.randomNormal([2, ...(i.shape.slice(1) as number[])], 0, 1, "float32", k));
    const a = await (model.predict(xs) as tf.Tensor).data();
    const b = await (loaded.model.predict(xs) as tf.Tensor).data();
    assert.deepEqual(Array.from(b), Array.from(a));
    model.dispose();
    loaded.model.dispose();
  }
});

test("loading refuses a missing ben19.json, a changed layout, another model's metadata, wrong classes", async () => {
  await selectBackend("cpu");
  const dir = join(tempDir("model-bad"), "model");
  const model = MODELS.kbranch.build(1);
  const meta = makeMetadata("kbranch", { stats: REFERENCE_STATS, resample: "tf1-bicubic" });
  await saveModel(model, meta, dir);
  const file = join(dir, METADATA_FILE);
  const good = readFileSync(file, "utf8");
  const expectError = async (edit: (m: Record<string, unknown>) => void, pattern: RegExp): Promise<void> => {
    const m = JSON.parse(good) as Record<string, unknown>;
    edit(m);
    writeFileSync(file, JSON.stringify(m));
    await assert.rejects(loadModel(dir), (e: unknown) => e instanceof ModelError && pattern.test(e.message));
  };
  await expectError((m) => (m["layout"] = "stack10"), /layout "stack10" does not match kbranch/);
  await expectError((m) => (m["model"] = "resnet50"), /layout|inputs/);
  await expectError((m) => (m["classes"] = [...(m["classes"] as string[])].reverse()), /classes differ/);
  await expectError((m) => (m["resample"] = "lanczos"), /resample "lanczos"/);
  await expectError((m) => (m["threshold"] = 1.5), /threshold 1.5/);
  await expectError((m) => ((m["normalization"] as { stats: Record<string, unknown> }).stats["B08"] = { mean: 1, std: 0 }), /stats.B08/);
  rmSync(file);
  await assert.rejects(loadModel(dir), (e: unknown) => e instanceof ModelError && e.code === "E_MODEL_FILE" && /missing ben19.json/.test(e.message));
  model.dispose();
});
