// Training end to end on a synth archive: the loss goes down, --resume after an interruption ends with the
// same weights as an uninterrupted run (bit for bit), eval writes the reference's metric names and one
// prediction row per patch, and predict on a patch folder equals predict on that patch's record.
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { run } from "../../src/cli/index.js";
import { memoryIo } from "../../src/cli/io.js";
import { loadModel } from "../../src/models/io.js";
import { prep } from "../../src/prep/run.js";
import { predict } from "../../src/training/predict.js";
import { train, type TrainOptions } from "../../src/training/train.js";
import { readRecords } from "../../src/tfrecord/reader.js";
import { TFRecordWriter } from "../../src/tfrecord/writer.js";
import { createCore } from "../../src/wasm/core.js";
import { foreignExample } from "../helpers/foreign.js";
import { synthFixture, tempDir } from "../helpers/fixtures.js";

async function shards(): Promise<{ train: string; val: string; archive: string }> {
  const s = await synthFixture(60, 5);
  const out = join(tempDir("train-rec"), "rec");
  await prep({ root: s.out, out, splits: [s.splits.train, s.splits.val], workers: 1 });
  return { train: join(out, "train.tfrecord"), val: join(out, "val.tfrecord"), archive: s.out };
}

const base = (t: string, v: string, out: string): TrainOptions => ({
  model: "kbranch", train: [t], val: [v], out, epochs: 2, batchSize: 8, lr: 1e-3, seed: 42, backend: "wasm",
  resample: "tf1-bicubic", shuffleBuffer: 16, checkpointEvery: 0, resume: false, workers: 1,
});

test("train → interrupt → --resume: the same final weights, optimizer state and log as an uninterrupted run", async () => {
  const d = await shards();
  const full = await train({ ...base(d.train, d.val, join(tempDir("run-a"), "run")), checkpointEvery: 3 });
  assert.equal(full.interrupted, false);
  assert.equal(full.log.length, 2);
  const out = join(tempDir("run-b"), "run");
  const first = await train({ ...base(d.train, d.val, out), maxSteps: 5 });
  assert.equal(first.interrupted, true);
  assert.equal(first.state.step, 5);
  await assert.rejects(train(base(d.train, d.val, out)), /already holds a training run/);
  await assert.rejects(train({ ...base(d.train, d.val, out), lr: 2e-3, resume: true }), /other training options/);
  const resumed = await train({ ...base(d.train, d.val, out), resume: true });
  assert.equal(resumed.state.step, full.state.step);
  const weights = (r: typeof full): Buffer => readFileSync(join(r.modelDir as string, "weights.bin"));
  assert.ok(weights(resumed).equals(weights(full)), "final weights differ from the uninterrupted run");
  assert.deepEqual(resumed.log.map((e) => [e.train_loss, e.val_loss, e.val_micro_f1]), full.log.map((e) => [e.train_loss, e.val_loss, e.val_micro_f1]));
});

test("training lowers the loss on a synth archive (CLI), eval reports the reference's metrics, predict agrees across inputs", async () => {
  const d = await shards();
  const runDir = join(tempDir("run-cli"), "run");
  const code = await run(["train", "--model", "kbranch", "--train", d.train, "--val", d.val, "--out", runDir, "--epochs", "4",
    "--batch-size", "8", "--backend", "wasm", "--shuffle-buffer", "16", "--json"], memoryIo());
  assert.equal(code, 0);
  const log = readFileSync(join(runDir, "log.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as { train_loss: number });
  assert.equal(log.length, 4);
  assert.ok((log[3]?.train_loss as number) < (log[0]?.train_loss as number), `loss did not go down: ${log.map((e) => e.train_loss).join(", ")}`);
  assert.match(readFileSync(join(runDir, "curves.svg"), "utf8"), /^<svg[\s\S]*polyline/);

  const metricsFile = join(runDir, "metrics.json");
  const predsFile = join(runDir, "preds.csv");
  assert.equal(await run(["eval", "--model", runDir, "--data", d.val, "--out", metricsFile, "--predictions", predsFile, "--backend", "wasm", "-q"], memoryIo()), 0);
  const metrics = JSON.parse(readFileSync(metricsFile, "utf8")) as Record<string, number | null>;
  for (const k of ["micro_f1_score", "macro_f1_score_class_avg", "sample_f2_score", "hamming_loss", "one_error", "coverage", "ranking_loss", "label_ranking_avg_precision", "macro_precision_class18"]) {
    assert.ok(k in metrics, `metrics.json lacks ${k}`);
  }
  const rows = readFileSync(predsFile, "utf8").trim().split("\n");
  assert.equal(rows.length - 1, metrics["num_samples"]);
  assert.equal(rows[0]?.split(",").length, 1 + 19 + 19);

  // A damaged shard fails the run with a named error and leaves no partial predictions file.
  const bad = join(runDir, "damaged.tfrecord");
  const bytes = readFileSync(d.val);
  bytes[bytes.length - 100] = (bytes[bytes.length - 100] as number) ^ 0xff;
  writeFileSync(bad, bytes);
  const badPreds = join(runDir, "bad-preds.csv");
  const io = memoryIo();
  assert.notEqual(await run(["eval", "--model", runDir, "--data", bad, "--predictions", badPreds, "--backend", "wasm", "-q"], io), 0);
  assert.match(io.stderr, /damaged\.tfrecord.*CRC/);
  assert.ok(!existsSync(badPreds) && !existsSync(`${badPreds}.tmp`), "a failed eval left a predictions file");

  // The same patch through its folder and through its record gives the same probabilities.
  const loaded = await loadModel(runDir);
  const fromRecords = [];
  for await (const p of predict(loaded, [d.val])) fromRecords.push(p);
  const first = fromRecords[0];
  assert.ok(first !== undefined);
  const fromFolder = [];
  for await (const p of predict(loaded, [join(d.archive, first.patch)])) fromFolder.push(p);
  assert.deepEqual(fromFolder[0]?.probabilities, first.probabilities);
  loaded.model.dispose();
});

test("train: a run that fails before its first checkpoint leaves nothing; an existing run is continued or replaced (--overwrite)", async () => {
  const d = await shards();
  const core = await createCore();
  // Five good records, then one of another schema: the first-record check passes, a later batch fails.
  const mixed = join(tempDir("train-mixed"), "mixed.tfrecord");
  const w = await TFRecordWriter.create(mixed, core);
  let n = 0;
  for await (const r of readRecords(d.train, core)) if (n++ < 5) w.write(r.data);
  w.write(foreignExample());
  await w.close();
  const failed = join(tempDir("run-fail"), "run");
  const io = memoryIo();
  assert.equal(await run(["train", "--model", "kbranch", "--train", mixed, "--out", failed, "--batch-size", "2", "--backend", "wasm", "--shuffle-buffer", "0", "-q"], io), 1);
  assert.match(io.stderr, /mixed\.tfrecord, record 5.*feature B01 is missing/);
  assert.ok(!existsSync(failed), `a failed start left ${failed}`);

  const out = join(tempDir("run-over"), "run");
  assert.equal((await train({ ...base(d.train, d.val, out), epochs: 1, maxSteps: 1 })).interrupted, true);
  writeFileSync(join(out, "notes.txt"), "mine\n");
  const again = memoryIo();
  assert.equal(await run(["train", "--model", "kbranch", "--train", d.train, "--out", out, "--backend", "wasm", "-q"], again), 2);
  assert.match(again.stderr, /already holds a training run \(continue it with --resume, start it again with --overwrite/);
  const before = readFileSync(join(out, "checkpoint.json"), "utf8");
  assert.equal(await run(["train", "--model", "kbranch", "--train", d.train, "--out", out, "--backend", "wasm", "--batch-size", "8",
    "--seed", "7", "--max-steps", "1", "--overwrite", "-q"], memoryIo()), 0);
  const config = JSON.parse(readFileSync(join(out, "config.json"), "utf8")) as { seed: number; val: string[]; overwrite?: boolean };
  assert.equal(config.seed, 7, "--overwrite kept the old run's config");
  assert.deepEqual(config.val, []);
  assert.equal(config.overwrite, undefined);
  assert.notEqual(readFileSync(join(out, "checkpoint.json"), "utf8"), before);
  assert.equal(readFileSync(join(out, "notes.txt"), "utf8"), "mine\n", "--overwrite removed a file that is not the run's");
});
