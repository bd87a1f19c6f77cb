// What a user does with an imported model, from the CLI: predict (TFRecords and real patch folders), eval, and
// fine-tuning with `train --init`, which starts from the imported weights (a near-zero learning rate leaves the
// kernels where the checkpoint put them; a random start would not).
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { run } from "../../src/cli/index.js";
import { memoryIo } from "../../src/cli/io.js";
import { selectBackend } from "../../src/runtime/backend.js";
import { loadModel } from "../../src/models/io.js";
import { prep } from "../../src/prep/run.js";
import { createCore } from "../../src/wasm/core.js";
import { needShared, SHARED_DIR } from "../helpers/env.js";
import { synthFixture, tempDir } from "../helpers/fixtures.js";
import { writeReferenceCheckpoint } from "../helpers/reference-ckpt.js";

test("an imported K-BranchCNN works with predict, eval and train --init", async (t) => {
  const dir = tempDir("import-use-");
  const prefix = join(dir, "K-BranchCNN", "K-BranchCNN_BigEarthNet-19_labels");
  const ck = writeReferenceCheckpoint("kbranch", prefix, 3, await createCore());
  const model = join(dir, "imported");
  assert.equal(await run(["import-tf1", join(dir, "K-BranchCNN"), "--model", "kbranch", "-o", model], memoryIo()), 0);

  const s = await synthFixture(40, 9);
  const rec = join(dir, "rec");
  await prep({ root: s.out, out: rec, splits: [s.splits.train, s.splits.val], workers: 1 });
  const train = join(rec, "train.tfrecord");
  const val = join(rec, "val.tfrecord");

  const p = memoryIo();
  assert.equal(await run(["predict", "--model", model, val, "--json", "--backend", "wasm"], p), 0, p.stderr);
  const rows = p.stdout.trim().split("\n").map((l) => JSON.parse(l) as { probabilities: number[] });
  assert.ok(rows.length > 0);
  assert.ok(rows.every((r) => r.probabilities.length === 19 && r.probabilities.every((x) => x >= 0 && x <= 1)));
  const distinct = new Set(rows.map((r) => r.probabilities.map((x) => x.toFixed(4)).join()));
  assert.ok(distinct.size > 1, "predictions differ between patches");

  const e = memoryIo();
  const evalArgs = ["eval", "--model", model, "--data", val, "--out", join(dir, "metrics.json"), "--backend", "wasm",
    "-q"];
  assert.equal(await run(evalArgs, e), 0, e.stderr);
  assert.ok(JSON.parse(readFileSync(join(dir, "metrics.json"), "utf8")) !== null);

  const runDir = join(dir, "finetune");
  const tr = memoryIo();
  assert.equal(await run(["train", "--model", "kbranch", "--init", model, "--train", train, "--out", runDir,
    "--epochs", "1",
    "--batch-size", "8", "--lr", "1e-12", "--backend", "wasm", "--workers", "1", "-q"], tr), 0, tr.stderr);
  await selectBackend("wasm");
  const tuned = await loadModel(join(runDir, "model"));
  const kernel = tuned.model.weights.find((w) => w.originalName === "b10_conv1/kernel");
  const got = (await kernel?.read().data()) as Float32Array;
  const want = ck.values.get("CNN_10m_branch/conv_block_0/conv_layer/kernel") as Float32Array;
  assert.equal(got.length, want.length);
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs((got[i] as number) - (want[i] as number)));
  assert.ok(worst < 1e-6, `fine-tuning started from the imported weights (max change ${worst})`);
  tuned.model.dispose();

  const bad = memoryIo();
  const wrong = ["train", "--model", "resnet50", "--init", model, "--train", train, "--out", join(dir, "r2"),
    "--backend", "wasm"];
  assert.equal(await run(wrong, bad), 2);
  assert.match(bad.stderr, /--init.*holds a kbranch model, not resnet50/);

  if (!needShared(t)) return;
  const real = join(SHARED_DIR, "real-v1");
  const patches = readdirSync(real).slice(0, 2).map((n) => join(real, n));
  const rp = memoryIo();
  assert.equal(await run(["predict", "--model", model, ...patches, "--json", "--backend", "wasm"], rp), 0, rp.stderr);
  assert.equal(rp.stdout.trim().split("\n").length, 2);
});
