// VGG16 and VGG19 train on the wasm backend: their 134/140 M weights and gradients (1.1 GB) fit its heap because
// Adam's moments live in JavaScript memory (src/training/adam.ts); fc6's gradients run through the im2col path.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { Ben19Error } from "../../src/core/errors.js";
import { MODELS } from "../../src/models/registry.js";
import { train } from "../../src/training/train.js";
import { tempDir } from "../helpers/fixtures.js";
import { assertTrainsOneStepOnWasm } from "../helpers/train-step.js";

for (const name of ["vgg16", "vgg19"] as const) {
  test(`${name}: one training step on the wasm backend`, () => assertTrainsOneStepOnWasm(name));
}

test("train refuses a batch past what the wasm heap holds, naming the largest that fits (before reading any data)", async () => {
  const out = tempDir("vgg-run");
  const shard = join(out, "empty.tfrecord");
  writeFileSync(shard, new Uint8Array(0));
  const max = MODELS.vgg19.wasmMaxBatch;
  await assert.rejects(train({
    model: "vgg19", train: [shard], out: join(out, "run"), epochs: 1, batchSize: max + 1, lr: 1e-3, seed: 1, backend: "wasm",
    resample: "tf1-bicubic", shuffleBuffer: 0, checkpointEvery: 0, resume: false,
  }), (e: unknown) => e instanceof Ben19Error && e.code === "E_BACKEND_MEMORY" && e.message.includes(`batch size ${max + 1}`) &&
    (e.hint ?? "").includes(`--batch-size ${max} or less`));
});
