// The ONNX paths users run, from the CLI on the real patches: `ben19 export` writes a file that ONNX Runtime
// runs to tfjs's probabilities; `predict --backend onnx` and `eval --backend onnx` give what `--backend wasm`
// gives (probabilities within 1e-4, the same labels, metrics and files); without onnxruntime-node, `--backend
// onnx` says so and runs on wasm.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test, type TestContext } from "node:test";
import { REFERENCE_STATS } from "../../src/core/stats.js";
import { buildInput } from "../../src/dataset/input.js";
import { readPatchDir } from "../../src/archive/patch.js";
import { OnnxRunner } from "../../src/export/onnx-runner.js";
import { selectBackend } from "../../src/runtime/backend.js";
import { saveModel } from "../../src/models/io.js";
import { makeMetadata, type ModelMetadata } from "../../src/contract/metadata.js";
import type { ModelName } from "../../src/models/registry.js";
import { createCore } from "../../src/wasm/core.js";
import { needShared, PROJECT_ROOT, SHARED_DIR } from "../helpers/env.js";
import { tempDir } from "../helpers/fixtures.js";
import { needOrt, testModel } from "../helpers/onnx.js";
import { cli } from "../helpers/cli.js";

const REAL = join(SHARED_DIR, "real-v1");
const GOLDEN = join(SHARED_DIR, "golden", "real-v1.tfrecord");
const patchDirs = (): string[] => readdirSync(REAL).sort().map((p) => join(REAL, p));

/** A run folder holding network `name` with non-trivial outputs, saved as `ben19 train` saves. */
async function runFolder(name: ModelName): Promise<string> {
  await selectBackend("wasm");
  const dir = tempDir(`onnx-${name}-`);
  const model = await testModel(name, 3);
  await saveModel(model, makeMetadata(name, { stats: REFERENCE_STATS, resample: "tf1-bicubic" }), join(dir, "model"));
  model.dispose();
  return dir;
}

interface Row {
  patch_name: string;
  probabilities: number[];
  labels: { name: string; probability: number }[];
}

async function predictJson(t: TestContext, args: string[]): Promise<Row[]> {
  const r = await cli(["predict", "--json", ...args]);
  assert.equal(r.code, 0, r.stderr);
  const rows = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as Row);
  t.diagnostic(`predict ${args.filter((a) => !a.startsWith("/")).join(" ")}: ${rows.length} patches`);
  return rows;
}

function assertSamePredictions(a: Row[], b: Row[], what: string): void {
  assert.deepEqual(b.map((r) => r.patch_name), a.map((r) => r.patch_name));
  let max = 0;
  a.forEach((r, i) => r.probabilities.forEach((p, c) => {
    max = Math.max(max, Math.abs(p - (b[i]?.probabilities[c] as number)));
  }));
  assert.ok(max <= 1e-4, `${what}: probabilities differ by up to ${max}`);
  assert.deepEqual(b.map((r) => r.labels.map((l) => l.name)), a.map((r) => r.labels.map((l) => l.name)), what);
}

for (const name of ["kbranch", "resnet50"] as const) {
  test(`${name}: predict --backend onnx = wasm on the 6 real patches; the exported file gives the same`, async (t) => {
    if (!needShared(t) || !(await needOrt(t))) return;
    const runDir = await runFolder(name);
    const wasm = await predictJson(t, ["--model", runDir, "--backend", "wasm", ...patchDirs()]);
    const onnx = await predictJson(t, ["--model", runDir, "--backend", "onnx", "--batch-size", "4", ...patchDirs()]);
    assert.equal(wasm.length, 6);
    assertSamePredictions(wasm, onnx, "predict --backend onnx");
    // Probabilities spread out (a calibrated head), so agreement is not that of saturated sigmoids.
    assert.ok(wasm.flatMap((r) => r.probabilities).some((p) => p > 0.1 && p < 0.9));

    const file = join(runDir, `${name}.onnx`);
    const ex = await cli(["export", runDir, "--format", "onnx", "-o", file, "--json"]);
    assert.equal(ex.code, 0, ex.stderr);
    assert.equal((JSON.parse(ex.stdout) as { bytes: number }).bytes, readFileSync(file).byteLength);
    // The file on disk, fed as its metadata says (NHWC, z-scored, one tensor per layout input in order).
    const meta = JSON.parse(readFileSync(join(runDir, "model", "ben19.json"), "utf8")) as ModelMetadata;
    const runner = await OnnxRunner.fromBytes(readFileSync(file), meta.inputs.map((i) => i.shape));
    const core = await createCore();
    const preprocessing = { layout: meta.layout, stats: meta.normalization.stats, resample: meta.resample };
    for (const [i, dir] of patchDirs().entries()) {
      const { bands } = await readPatchDir(dir, { labels: false });
      const x = buildInput(core, bands, preprocessing);
      const out = await runner.run(x.map((p) => p.data), 1);
      const want = wasm[i]?.probabilities as number[];
      want.forEach((p, c) => assert.ok(Math.abs(p - (out.probabilities[c] as number)) <= 1e-4, `${dir} class ${c}`));
    }
    await runner.release();
  });
}

test("kbranch: eval --backend onnx = wasm on the golden TFRecord (metrics, loss, predictions file)", async (t) => {
  if (!needShared(t) || !(await needOrt(t))) return;
  const runDir = await runFolder("kbranch");
  const outputs = (backend: string) => ({
    metrics: join(runDir, `${backend}.json`), preds: join(runDir, `${backend}.csv`),
  });
  const results: Record<string, { loss: number; metrics: Record<string, number>; rows: string[][] }> = {};
  for (const backend of ["wasm", "onnx"]) {
    const o = outputs(backend);
    const r = await cli(["eval", "--model", runDir, "--data", GOLDEN, "--backend", backend, "--out", o.metrics,
      "--predictions", o.preds, "-q"]);
    assert.equal(r.code, 0, r.stderr);
    results[backend] = {
      loss: Number(/loss (\d+\.\d+)/.exec(r.stdout)?.[1]),
      metrics: JSON.parse(readFileSync(o.metrics, "utf8")) as Record<string, number>,
      rows: readFileSync(o.preds, "utf8").trim().split("\n").map((l) => l.split(",")),
    };
  }
  const [w, o] = [results["wasm"]!, results["onnx"]!];
  assert.ok(Math.abs(w.loss - o.loss) <= 1e-4, `loss ${w.loss} vs ${o.loss}`);
  assert.deepEqual(Object.keys(o.metrics), Object.keys(w.metrics));
  for (const [k, v] of Object.entries(w.metrics)) {
    assert.ok(Math.abs(v - (o.metrics[k] as number)) <= 1e-6, `${k}: ${v} vs ${o.metrics[k]}`);
  }
  assert.equal(o.rows.length, w.rows.length);
  assert.equal(w.rows.length, 7); // header + 6 patches
  w.rows.forEach((row, i) => row.forEach((cell, c) => {
    const other = o.rows[i]?.[c] as string;
    if (i === 0 || c < 20) assert.equal(other, cell);
    else assert.ok(Math.abs(Number(cell) - Number(other)) <= 1e-4, `row ${i} col ${c}: ${cell} vs ${other}`);
  }));
});

test("without onnxruntime-node, --backend onnx says so and predicts on the wasm backend", async (t) => {
  if (!needShared(t)) return;
  const runDir = await runFolder("kbranch");
  const args = ["--import", "./test/helpers/no-ort.mjs", "--import", "tsx", "test/helpers/cli-child.ts"];
  const predict = ["predict", "--json", "--model", runDir, "--backend", "onnx", patchDirs()[0] as string];
  const r = spawnSync(process.execPath, [...args, ...predict], { cwd: PROJECT_ROOT, encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /onnx: onnxruntime-node cannot be loaded \(Cannot find package 'onnxruntime-node'\)/);
  assert.match(r.stderr, /; using the wasm backend/);
  assert.match(r.stderr, /npm install onnxruntime-node/);
  const row = JSON.parse(r.stdout) as Row;
  assert.equal(row.probabilities.length, 19);
});
