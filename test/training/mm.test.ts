// Multi-modal records end to end from the CLI, as a user runs them: train 1 epoch with --layout mm (ResNet50,
// tiny: 2 records, batch 2, one step) → eval → predict → tensor → stats, on MM records written by an
// independent encoder;
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
import { readPatchDir } from "../../src/archive/patch.js";
import { readS1Dir } from "../../src/archive/s1.js";
import { multiHot19 } from "../../src/labels/convert.js";
import { needShared, SHARED_DIR } from "../helpers/env.js";
import { tempDir } from "../helpers/fixtures.js";
import { mmPatch, writeMmShard } from "../helpers/mm-records.js";

const VV = { mean: -12.619993741972035, std: 5.115911777546365 };
/** The run the first test trains, for the folder-pair test. */
let trained: string | undefined;

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
    "--epochs", "1", "--batch-size", "2", "--backend", "wasm", "--workers", "1", "--shuffle-buffer", "0", "--json"],
  io);
  assert.equal(code, 0, io.stderr);
  trained = runDir;
  const meta = JSON.parse(readFileSync(join(runDir, "model", "ben19.json"), "utf8")) as {
    layout: string;
    inputs: { shape: number[]; bands: string[] }[];
    normalization: { stats: Record<string, { mean: number; std: number }> };
  };
  assert.equal(meta.layout, "mm");
  assert.deepEqual(meta.inputs[0]?.shape, [120, 120, 12]);
  assert.deepEqual(meta.inputs[0]?.bands.slice(10), ["VV", "VH"]);
  assert.deepEqual(meta.normalization.stats["VV"], VV);

  const metricsFile = join(dir, "metrics.json");
  const predsFile = join(dir, "preds.csv");
  const evalArgs = ["--data", valFile, "--out", metricsFile, "--predictions", predsFile, "--backend", "wasm", "-q"];
  assert.equal(await run(["eval", "--model", runDir, ...evalArgs], memoryIo()), 0);
  const metrics = JSON.parse(readFileSync(metricsFile, "utf8")) as Record<string, number>;
  assert.equal(metrics["num_samples"], 2);
  const evalRows = readFileSync(predsFile, "utf8").trim().split("\n").slice(1);

  const out = memoryIo();
  assert.equal(await run(["predict", "--model", runDir, valFile, "--json", "--backend", "wasm"], out), 0, out.stderr);
  type Line = { patch_name: string; probabilities: number[] };
  const preds = out.stdout.trim().split("\n").map((l) => JSON.parse(l) as Line);
  assert.deepEqual(preds.map((p) => p.patch_name), valPatches.map((p) => p.patchName));
  // predict and eval preprocess the same way (from the model's metadata): the same probabilities.
  preds.forEach((p, i) => {
    const row = (evalRows[i] as string).split(",");
    assert.equal(row[0], p.patch_name);
    row.slice(20, 39).forEach((v, c) => {
      const want = p.probabilities[c] as number;
      assert.ok(Math.abs(Number(v) - want) < 1e-5, `class ${c}: ${v} vs ${want}`);
    });
  });

  const npy = join(dir, "x.npy");
  assert.equal(await run(["tensor", valFile, "--record", "1", "--layout", "mm", "-o", npy], memoryIo()), 0);
  const bytes = readFileSync(npy);
  const header = bytes.subarray(10, 10 + bytes.readUInt16LE(8)).toString("latin1");
  assert.match(header, /'shape': \(1, 120, 120, 12\)/);
  const x = new Float32Array(bytes.buffer.slice(bytes.byteOffset + 10 + header.length));
  const vv = (valPatches[1] as ReturnType<typeof mmPatch>).vv;
  for (let i = 0; i < S1_PIXELS; i += 97) {
    assert.equal(x[i * 12 + 10], Math.fround(((vv[i] as number) - VV.mean) / VV.std), `pixel ${i}`);
  }

  const statsOut = memoryIo();
  assert.equal(await run(["stats", trainFile, "--json"], statsOut), 0);
  const stats = JSON.parse(statsOut.stdout) as { bands: Record<string, { mean: number; std: number }> };
  const all = trainPatches.flatMap((p) => Array.from(p.vh));
  const mean = all.reduce((a, b) => a + b, 0) / all.length;
  const std = Math.sqrt(all.reduce((a, b) => a + (b - mean) ** 2, 0) / all.length);
  assert.ok(Math.abs((stats.bands["VH"]?.mean as number) - mean) < 1e-9);
  assert.ok(Math.abs((stats.bands["VH"]?.std as number) - std) < 1e-9);
});

test("--layout mm: K-BranchCNN refuses it, S2-only records are refused, both named", async () => {
  const dir = tempDir("mm-errors");
  const mmFile = join(dir, "mm.tfrecord");
  await writeMmShard(mmFile, [mmPatch(0)]);
  const io = memoryIo();
  const common = ["--layout", "mm", "--backend", "wasm", "-q"];
  const kbranch = ["train", "--model", "kbranch", "--train", mmFile, "--out", join(dir, "k"), ...common];
  assert.equal(await run(kbranch, io), 2, "a usage error: the fix is a flag");
  assert.match(io.stderr, /E_MODEL_LAYOUT|kbranch cannot take the "mm" input layout/);
  assert.match(io.stderr, /vgg16\|vgg19\|resnet50\|resnet101\|resnet152/);
  const core = await createCore();
  const s2File = join(dir, "s2.tfrecord");
  const w = await TFRecordWriter.create(s2File, core);
  w.writeFramed(core.encodeRecord(mmPatch(1)));
  w.close();
  const io2 = memoryIo();
  const vgg = ["train", "--model", "vgg16", "--train", s2File, "--out", join(dir, "v"), ...common];
  assert.notEqual(await run(vgg, io2), 0);
  assert.match(io2.stderr, /s2\.tfrecord/);
  assert.match(io2.stderr, /no VV\/VH features: the mm layout takes multi-modal records/);
});

test("predict with an mm model: a real S2 folder + S1 folder pair = the MM record of the same values", async (t) => {
  if (trained === undefined || !needShared(t)) return;
  const s2Dir = join(SHARED_DIR, "real-v1", "S2A_MSIL2A_20170613T101031_87_48");
  const s1Name = "S1A_IW_GRDH_1SDV_20170613T165043_33UUP_87_48";
  const s1Dir = join(SHARED_DIR, "real-v1-s1", s1Name);
  const s2 = await readPatchDir(s2Dir, { labels: true });
  const s1 = await readS1Dir(s1Dir, s1Name);
  const record = join(tempDir("mm-pair"), "pair.tfrecord");
  const multiHot = Array.from(multiHot19(s2.labels43 ?? []));
  await writeMmShard(record, [{ patchName: s2.name, s1Name, bands: s2.bands, multiHot, vv: s1.vv, vh: s1.vh }]);
  const out = memoryIo();
  const code = await run(["predict", "--model", trained, record, s2Dir, s1Dir, "--json", "--backend", "wasm"], out);
  assert.equal(code, 0, out.stderr);
  type Line = { patch_name: string; source: string; probabilities: number[] };
  const [fromRecord, fromFolders] = out.stdout.trim().split("\n").map((l) => JSON.parse(l) as Line);
  assert.equal(fromFolders?.patch_name, s2.name);
  assert.equal(fromFolders?.source, `${s2Dir} + ${s1Dir}`);
  assert.deepEqual(fromFolders?.probabilities, fromRecord?.probabilities);
  // An S1 folder on its own, and an S2 folder without its S1 folder: named errors.
  const alone = memoryIo();
  assert.notEqual(await run(["predict", "--model", trained, s1Dir, "--backend", "wasm"], alone), 0);
  assert.match(alone.stderr, /Sentinel-1 patch folder with no S2 patch folder before it/);
  const noS1 = memoryIo();
  assert.notEqual(await run(["predict", "--model", trained, s2Dir, "--backend", "wasm"], noS1), 0);
  assert.match(noS1.stderr, /VV is missing: the mm layout takes multi-modal records/);
});
