// Inference throughput: ONNX Runtime (onnxruntime-node, `--backend onnx`) against tfjs's wasm backend (and
// PyTorch when installed), per model, same batch, 2 threads each, in samples/s and CPU ms per sample. Usage:
//   npm run bench:onnx [-- --models kbranch,resnet50 --batches 8 --reps 3 --threads 2 --skip-torch]
// ORT runs the graph `ben19 export` writes (exported in memory here, as `--backend onnx` does); tfjs runs the
// layers model. Both get the same random NHWC inputs.
import { spawnSync } from "node:child_process";
import { parseArgs } from "node:util";
import { REFERENCE_STATS } from "../src/core/stats.js";
import { OnnxRunner } from "../src/export/onnx-runner.js";
import { ortUnavailable } from "../src/export/ort.js";
import { selectBackend } from "../src/models/backend.js";
import { makeMetadata } from "../src/models/metadata.js";
import { MODEL_NAMES, MODELS, type ModelName } from "../src/models/registry.js";
import { tf } from "../src/models/tf.js";
import { pythonWith } from "./python.js";
import { report, type BenchRow } from "./report.js";
import { rateStddev, timeRounds, type Timing } from "./timing.js";

const { values } = parseArgs({
  options: {
    models: { type: "string", default: MODEL_NAMES.join(",") },
    batches: { type: "string", default: "8" },
    reps: { type: "string", default: "3" },
    threads: { type: "string", default: "2" },
    "skip-torch": { type: "boolean", default: false },
  },
});
const models = (values.models as string).split(",") as ModelName[];
const batches = (values.batches as string).split(",").map(Number);
const reps = Number(values.reps);
const threads = Number(values.threads);

const info = await selectBackend("wasm", { threads });
const ortMissing = await ortUnavailable();
if (ortMissing !== undefined) {
  process.stderr.write(`bench:onnx: onnxruntime-node unavailable (${ortMissing}); tfjs rows only\n`);
}

const plural = (n: number, what: string): string => `${n} ${what}${n === 1 ? "" : "s"}`;
const rows: BenchRow[] = [];
const row = (name: string, b: number, t: Timing): BenchRow => ({
  name, value: b / t.median, unit: "samples/s", n: t.all.length, stddev: rateStddev(b, t),
  note: `${((t.cpu * 1000) / b).toFixed(1)} CPU ms/sample`
    + (t.disturbed > 0 ? `; ${t.disturbed} round(s) disturbed, measured again` : ""),
});
for (const m of models) {
  const model = MODELS[m].build(1);
  const meta = makeMetadata(m, { stats: REFERENCE_STATS, resample: "tf1-bicubic" });
  const runner = ortMissing === undefined ? await OnnxRunner.fromModel({ model, meta, dir: "" }, threads) : undefined;
  for (const b of batches) {
    const xs = model.inputs.map((i, k) => tf.randomNormal([b, ...(i.shape.slice(1) as number[])], 0, 1, "float32", k));
    const data = xs.map((x) => x.dataSync() as Float32Array);
    const wasm = await timeRounds(async () => {
      const out = model.predict(xs) as tf.Tensor;
      await out.data();
      out.dispose();
    }, reps);
    rows.push(row(`${m} forward, batch ${b}, tfjs wasm (${plural(info.threads ?? 1, "thread")})`, b, wasm));
    if (runner !== undefined) {
      const ort = await timeRounds(async () => void (await runner.run(data, b)), reps);
      rows.push(row(`${m} forward, batch ${b}, onnxruntime-node (${plural(threads, "thread")})`, b, ort));
    }
    for (const r of rows.slice(runner === undefined ? -1 : -2)) {
      process.stderr.write(`${r.name}: ${r.value.toFixed(1)} (${r.note})\n`);
    }
    tf.dispose(xs);
  }
  await runner?.release();
  model.dispose();
}

// PyTorch for scale, when installed: the same architectures, batch sizes and thread count.
const python = values["skip-torch"] === true ? undefined : pythonWith("torch");
if (python !== undefined) {
  const script = new URL("./torch_models.py", import.meta.url).pathname;
  const args = ["--forward-only", "--threads", String(threads), "--models", models.join(","),
    "--batches", batches.join(","), "--reps", String(reps)];
  const r = spawnSync(python, [script, ...args], { encoding: "utf8" });
  if (r.status === 0) rows.push(...(JSON.parse(r.stdout) as BenchRow[]));
  else process.stderr.write(`bench:onnx: the PyTorch comparison failed: ${r.stderr}\n`);
} else if (values["skip-torch"] !== true) {
  process.stderr.write("bench:onnx: PyTorch not installed (Debian python3-torch); no side-by-side rows\n");
}
report("onnx", rows);
