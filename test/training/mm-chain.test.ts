// The multi-modal job as a user runs it, every step from the CLI: synth an S2 archive with its S1 partners →
// prep MM records (-r1/-r2, two-column CSVs) → verify -r against both archives → train ResNet50 --layout mm for one
// step → eval → predict an S2 folder followed by its S1 folder, which must equal predict on that pair's record;
// predict --backend onnx (ONNX Runtime) on the MM records equals the wasm backend's.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { tempDir } from "../helpers/fixtures.js";
import { assertOnnxPredictsAsWasm, needOrt } from "../helpers/onnx.js";
import { ok } from "../helpers/cli.js";

test("MM chain from the CLI: synth --s1, prep -r1/-r2, verify -r, train --layout mm, eval, predict", async (t) => {
  const d = tempDir("mm-chain");
  const [s2, s1, rec, runDir] = ["s2", "s1", "rec", "run"].map((n) => join(d, n)) as [string, string, string, string];
  await ok(["synth", "-o", s2, "--s1", s1, "--patches", "8", "--seed", "3", "-q"]);
  const csv = (split: string): string => join(s2, "splits-mm", `${split}.csv`);
  await ok(["prep", "-r1", s1, "-r2", s2, "-n", csv("train"), csv("val"), "-o", rec, "--workers", "2", "-q"]);
  const manifest = JSON.parse(readFileSync(join(rec, "manifest.json"), "utf8")) as {
    schema: { features: Record<string, { kind: string }> };
  };
  assert.equal(manifest.schema.features["VV"]?.kind, "float_list");
  assert.match(await ok(["verify", rec, "-r", s2, "--json"]), /"ok": true/);

  const train = join(rec, "train.tfrecord");
  const val = join(rec, "val.tfrecord");
  // The 5 training patches in one batch: one step, and the model saved at the epoch's end.
  await ok(["train", "--model", "resnet50", "--layout", "mm", "--train", train, "--out", runDir, "--epochs", "1",
    "--batch-size", "5", "--backend", "wasm", "--shuffle-buffer", "0", "-q"]);
  const metrics = join(d, "metrics.json");
  await ok(["eval", "--model", runDir, "--data", val, "--out", metrics, "--backend", "wasm", "-q"]);
  const valPairs = readFileSync(csv("val"), "utf8").trim().split("\n");
  assert.equal((JSON.parse(readFileSync(metrics, "utf8")) as { num_samples: number }).num_samples, valPairs.length);

  type Line = { patch_name: string; probabilities: number[] };
  const lines = (out: string): Line[] => out.trim().split("\n").map((l) => JSON.parse(l) as Line);
  const fromRecords = lines(await ok(["predict", "--model", runDir, val, "--json", "--backend", "wasm"]));
  const [s2Name, s1Name] = (valPairs[0] as string).split(",") as [string, string];
  const fromFolders = lines(await ok(["predict", "--model", runDir, join(s2, s2Name), join(s1, s1Name.trim()), "--json",
    "--backend", "wasm"]));
  assert.equal(fromFolders.length, 1);
  const same = fromRecords.find((p) => p.patch_name === s2Name);
  assert.ok(same !== undefined, `${s2Name} not among the record predictions`);
  fromFolders[0]?.probabilities.forEach((p, c) => {
    const want = same.probabilities[c] as number;
    assert.ok(Math.abs(p - want) < 1e-6, `class ${c}: folders ${p}, record ${want}`);
  });
  // The mm model in ONNX Runtime (12 channels: stack10 + VV + VH) predicts the MM records as wasm does.
  if (await needOrt(t)) assert.equal(await assertOnnxPredictsAsWasm(runDir, [val]), valPairs.length);
});
