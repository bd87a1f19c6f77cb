// Multi-modal records end to end from the CLI, as a user runs them: train 1 epoch with --layout mm (ResNet50,
// tiny: 2 records, batch 2, one step) → eval → predict → tensor → stats, on MM records written by an independent encoder;
// and the named errors: K-BranchCNN refuses mm, mm refuses S2-only records.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { run } from "../../src/cli/index.js";
import { memoryIo } from "../../src/cli/io.js";
import { S1_PIXELS } from "../../src/core/constants.js";
import { TFRecordWriter } from "../../src/tfrecord/writer.js";
import { createCore } from "../../src/wasm/core.js";
import { tempDir } from "../helpers/fixtures.js";
import { mmPatch, writeMmShard } from "../helpers/mm-records.js";

const VV = { mean: -12.619993741972035, std: 5.115911777546365 };

test("MM records from the CLI: train --layout mm (resnet50) → eval → predict → tensor → stats", async () => {
  const dir = tempDir("mm-cli");
  const trainFile = join(dir, "train.tfrecord");
  const valFile = join(dir, "val.tfrecord");
  const trainPatches = [0, 1].map((i) => mmPatch(i));
  const valPatches = [4, 5].map((i) => mmPatch(i));
  await writeMmShard(trainFile, trainPatches);
  await writeMmShard(valFile, valPatches);
  const runDir = join(dir, "run");
  const io = memoryIo();
  const code = await run(["train", "--model", "resnet50", "--layout", "mm", "--train", trainFile, "--out", runDir,
    "--epochs", "1", "--batch-size", "2", "--backend", "wasm", "--workers", "1", "--shuffle-buffer", "0", "--json"], io);
  assert.equal(code, 0, io.stderr);
  const meta = JSON.parse(readFileSync(join(runDir, "model", "ben19.json"), "utf8")) as {
    layout: string; inputs: { shape: number[]; bands: string[] }[]; normalization: { stats: Record<string, { mean: number; std: number }> };
  };
  assert.equal(meta.layout, "mm");
  assert.deepEqual(meta.inputs[0]?.shape, [120, 120, 12]);
  assert.deepEqual(meta.inputs[0]?.bands.slice(10), ["VV", "VH"]);
  assert.deepEqual(meta.normalization.stats["VV"], VV);

  const metricsFile = join(dir, "metrics.json");
  const predsFile = join(dir, "preds.csv");
  assert.equal(await run(["eval", "--model", runDir, "--data", valFile, "--out", metricsFile, "--predictions", predsFile, "--backend", "wasm", "-q"], memoryIo()), 0);
  const metrics = JSON.parse(readFileSync(metricsFile, "utf8")) as Record<string, number>;
  assert.equal(metrics["num_samples"], 2);
  const evalRows = readFileSync(predsFile, "utf8").trim().split("\n").slice(1);

  const out = memoryIo();
  assert.equal(await run(["predict", "--model", runDir, valFile, "--json", "--backend", "wasm"], out), 0, out.stderr);
  const preds = out.stdout.trim().split("\n").map((l) => JSON.parse(l) as { patch_name: string; probabilities: number[] });
  assert.deepEqual(preds.map((p) => p.patch_name), valPatches.map((p) => p.patchName));
  // predict and eval preprocess the same way (from the model's metadata): the same probabilities.
  preds.forEach((p, i) => {
    const row = (evalRows[i] as string).split(",");
    assert.equal(row[0], p.patch_name);
    row.slice(20, 39).forEach((v, c) => assert.ok(Math.abs(Number(v) - (p.probabilities[c] as number)) < 1e-5, `class ${c}: ${v} vs ${p.probabilities[c]}`));
  });

  const npy = join(dir, "x.npy");
  assert.equal(await run(["tensor", valFile, "--record", "1", "--layout", "mm", "-o", npy], memoryIo()), 0);
  const bytes = readFileSync(npy);
  const header = bytes.subarray(10, 10 + bytes.readUInt16LE(8)).toString("latin1");
  assert.match(header, /'shape': \(1, 120, 120, 12\)/);
  const x = new Float32Array(bytes.buffer.slice(bytes.byteOffset + 10 + header.length));
  const vv = (valPatches[1] as ReturnType<typeof mmPatch>).vv;
  for (let i = 0; i < S1_PIXELS; i += 97) assert.equal(x[i * 12 + 10], Math.fround(((vv[i] as number) - VV.mean) / VV.std), `pixel ${i}`);

  const statsOut = memoryIo();
  assert.equal(await run(["stats", trainFile, "--json"], statsOut), 0);
  const stats = JSON.parse(statsOut.stdout) as { bands: Record<string, { mean: number; std: number }> };
  const all = trainPatches.flatMap((p) => Array.from(p.vh));
  const mean = all.reduce((a, b) => a + b, 0) / all.length;
  const std = Math.sqrt(all.reduce((a, b) => a + (b - mean) ** 2, 0) / all.length);
  assert.ok(Math.abs((stats.bands["VH"]?.mean as number) - mean) < 1e-9 && Math.abs((stats.bands["VH"]?.std as number) - std) < 1e-9);
});

test("--layout mm: K-BranchCNN refuses it, S2-only records are refused, both named, before the run folder exists", async () => {
  const dir = tempDir("mm-errors");
  const mmFile = join(dir, "mm.tfrecord");
  await writeMmShard(mmFile, [mmPatch(0)]);
  const io = memoryIo();
  assert.notEqual(await run(["train", "--model", "kbranch", "--layout", "mm", "--train", mmFile, "--out", join(dir, "k"), "--backend", "wasm", "-q"], io), 0);
  assert.match(io.stderr, /E_MODEL_LAYOUT|kbranch cannot take the "mm" input layout/);
  assert.match(io.stderr, /vgg16\|vgg19\|resnet50\|resnet101\|resnet152/);
  const core = await createCore();
  const s2File = join(dir, "s2.tfrecord");
  const w = await TFRecordWriter.create(s2File, core);
  w.writeFramed(core.encodeRecord(mmPatch(1)));
  w.close();
  const io2 = memoryIo();
  assert.notEqual(await run(["train", "--model", "vgg16", "--layout", "mm", "--train", s2File, "--out", join(dir, "v"), "--backend", "wasm", "-q"], io2), 0);
  assert.match(io2.stderr, /s2\.tfrecord/);
  assert.match(io2.stderr, /no VV\/VH features: the mm layout takes multi-modal records/);
});
