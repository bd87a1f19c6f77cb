// `npm run bench:wasm-limits`: the largest batch each model trains at on the wasm backend. Its heap cannot grow past
// 4 GB, and running out shows as a trap or, inside XNNPACK, a step that never ends; so every try runs a few steps
// and a validation pass in its own process with a time limit, batch sizes ascending, until one fails. The largest
// that ran is MODELS[…].wasmMaxBatch (src/models/registry.ts), which `train` checks before it starts; the heap it
// reached says how close to the ceiling that is. `--models a,b` limits the models.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { MODEL_NAMES, MODELS, type ModelName } from "../src/models/registry.js";
import { report, type BenchRow } from "./report.js";

const CANDIDATES = [1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256];
const arg = process.argv.indexOf("--models");
const models = (arg > 0 ? (process.argv[arg + 1] ?? "").split(",") : [...MODEL_NAMES]) as ModelName[];
const child = fileURLToPath(new URL("./wasm-limits/step.ts", import.meta.url));

const rows: BenchRow[] = [];
for (const m of models) {
  let largest = 0;
  let last: { seconds: number; heapMB: number; threads: number } | undefined;
  let stop = "";
  for (const batch of CANDIDATES) {
    // The slowest try that fits (VGG19, batch 8: a ~10 s build, four ~15 s steps and a forward pass) takes ~80 s.
    const p = spawnSync(process.execPath, ["--import", "tsx", child, m, String(batch)], { encoding: "utf8", timeout: 240_000, maxBuffer: 1 << 26 });
    const line = p.status === 0 ? p.stdout.trim().split("\n").pop() : undefined;
    if (line === undefined) {
      stop = p.signal === "SIGTERM" ? `batch ${batch} did not finish in 4 min` : `batch ${batch} failed (exit ${p.status})`;
      break;
    }
    largest = batch;
    last = JSON.parse(line) as typeof last;
    process.stderr.write(`${m} batch ${batch}: ${last?.seconds.toFixed(1)} s, heap ${last?.heapMB.toFixed(0)} MB\n`);
  }
  rows.push({ name: `${MODELS[m].title}: largest training batch on wasm (${last?.threads ?? "?"} threads)`, value: largest, unit: "samples", n: 1, stddev: 0,
    note: `${last !== undefined ? `step ${last.seconds.toFixed(1)} s, heap ${last.heapMB.toFixed(0)} MB; ` : ""}${stop || "every candidate fit"}; registry: ${MODELS[m].wasmMaxBatch}` });
}
report("wasm training limits", rows);
