// All 12 bands as one 120×120 stack (--layout stack12), as many BigEarthNet works feed VGG/ResNet, from the CLI:
// synth → prep → train ResNet50 --layout stack12 for one epoch → predict a patch folder, which must equal predict
// on that patch's record, and ONNX Runtime on the records what wasm gives; the saved model says stack12 with 12
// input channels; K-BranchCNN refuses it by name.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { tempDir } from "../helpers/fixtures.js";
import { assertOnnxPredictsAsWasm, needOrt } from "../helpers/onnx.js";
import { cli, ok } from "../helpers/cli.js";

type Prediction = { patch_name: string; probabilities: number[] };
const lines = (s: string): Prediction[] => s.trim().split("\n").map((l) => JSON.parse(l) as Prediction);

test("stack12 from the CLI: train resnet50 --layout stack12, predict a folder = predict its record", async (t) => {
  const d = tempDir("stack12");
  const [arc, rec, runDir] = ["arc", "rec", "run"].map((n) => join(d, n)) as [string, string, string];
  await ok(["synth", "-o", arc, "--patches", "10", "--seed", "5", "-q"]);
  await ok(["prep", "-r", arc, "-n", join(arc, "splits", "train.csv"), "-o", rec, "--workers", "2", "-q"]);
  const train = join(rec, "train.tfrecord");
  await ok(["train", "--model", "resnet50", "--layout", "stack12", "--train", train, "--out", runDir, "--epochs", "1",
    "--batch-size", "5", "--backend", "wasm", "--shuffle-buffer", "0", "-q"]);
  const meta = JSON.parse(readFileSync(join(runDir, "model", "ben19.json"), "utf8")) as {
    layout: string; inputs: { shape: number[] }[];
  };
  assert.equal(meta.layout, "stack12");
  assert.deepEqual(meta.inputs.map((i) => i.shape), [[120, 120, 12]]);

  const fromRecords = lines(await ok(["predict", "--model", runDir, train, "--json", "--backend", "wasm"]));
  const first = fromRecords[0] as Prediction;
  const fromFolder = lines(await ok(["predict", "--model", runDir, join(arc, first.patch_name), "--json",
    "--backend", "wasm"]));
  assert.equal(fromFolder.length, 1);
  fromFolder[0]?.probabilities.forEach((p, c) => {
    const want = first.probabilities[c] as number;
    assert.ok(Math.abs(p - want) < 1e-6, `class ${c}: folder ${p}, record ${want}`);
  });

  // The layout travels with the model into ONNX: ONNX Runtime predicts the records as the wasm backend does.
  if (await needOrt(t)) assert.equal(await assertOnnxPredictsAsWasm(runDir, [train]), fromRecords.length);

  const refused = await cli(["train", "--model", "kbranch", "--layout", "stack12", "--train", train, "--out",
    join(d, "k"), "-q"]);
  assert.equal(refused.code, 2, refused.stderr);
  assert.match(refused.stderr, /kbranch cannot take the "stack12" input layout.*leave --layout out/s);
  assert.doesNotMatch(refused.stderr, /\n\s+at /, "no stack trace");
});
