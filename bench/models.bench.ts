// Model throughput: forward (inference) and one training step (Adam, mean sigmoid cross-entropy, the trainer's
// own step) per model, batch size and backend, in samples/s. Usage:
//   npm run bench:models [-- --models kbranch,resnet50 --batches 8,32 --backends wasm,cpu --reps 3 --threads 1 --skip-torch]
// Defaults: all six models, batches 8 and 32, every backend that loads except cpu (hundreds of times slower for
// conv nets: ask for it explicitly), the wasm backend on every core (--threads N: N threads, 1 = the single-threaded
// build; one count per run, as a process keeps the first it starts with). When PyTorch is installed (Debian
// python3-torch), bench/torch_models.py runs the same networks with 2 threads for the side-by-side figures.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { selectBackend, type BackendChoice } from "../src/runtime/backend.js";
import { setDropoutStep } from "../src/models/dropout.js";
import { MODEL_NAMES, MODELS, type ModelName } from "../src/models/registry.js";
import { tf } from "../src/runtime/tf.js";
import { adam } from "../src/training/adam.js";
import { logitsModel } from "../src/training/logits.js";
import { meanSigmoidCrossEntropy } from "../src/training/loss.js";
import { pythonWith } from "./python.js";
import { report, type BenchRow } from "./report.js";

const { values } = parseArgs({
  options: {
    models: { type: "string", default: MODEL_NAMES.join(",") },
    batches: { type: "string", default: "8,32" },
    backends: { type: "string", default: "node,wasm" },
    reps: { type: "string", default: "3" },
    threads: { type: "string" },
    "skip-torch": { type: "boolean", default: false },
  },
});
const models = (values.models as string).split(",") as ModelName[];
const batches = (values.batches as string).split(",").map(Number);
const reps = Number(values.reps);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

/** Milliseconds of CPU used by the whole machine since boot (Linux's /proc/stat), or undefined elsewhere. */
function machineCpuMs(): number | undefined {
  if (!existsSync("/proc/stat")) return undefined;
  const [user, nice, system, , , irq, softirq, steal] = (readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "").trim().split(/\s+/).slice(1).map(Number);
  return ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) * 10;
}

/**
 * Seconds per call of `f` (which returns a tensor to wait for): one warm-up, then the median of `reps` rounds. The
 * machine is shared and the wasm backend uses every core, so a round in which other processes used more than a
 * tenth of the wall time in CPU is measured again (up to 4 × reps rounds in all); `disturbed` counts those.
 */
async function seconds(f: () => tf.Tensor): Promise<{ median: number; all: number[]; disturbed: number }> {
  const all: number[] = [];
  let disturbed = 0;
  for (let r = 0; all.length < reps && r <= 4 * reps; r++) {
    const [machine0, own0, t0] = [machineCpuMs(), process.cpuUsage(), performance.now()];
    const out = f();
    await out.data();
    out.dispose();
    const wall = performance.now() - t0;
    const own = process.cpuUsage(own0);
    const machine1 = machineCpuMs();
    const others = machine0 === undefined || machine1 === undefined ? 0 : machine1 - machine0 - (own.user + own.system) / 1000;
    if (r === 0) continue;
    if (others > 0.1 * wall && r < 4 * reps) disturbed++;
    else all.push(wall / 1000);
  }
  return { median: median(all), all, disturbed };
}

const rows: BenchRow[] = [];
for (const choice of (values.backends as string).split(",") as BackendChoice[]) {
  let name: string;
  try {
    const info = await selectBackend(choice, values.threads === undefined ? {} : { threads: Number(values.threads) });
    name = info.threads === undefined ? info.name : `${info.name}, ${info.threads} thread${info.threads === 1 ? "" : "s"}`;
    for (const s of info.skipped) process.stderr.write(`bench:models: ${s.name} not used (${s.reason})\n`);
  } catch (e) {
    process.stderr.write(`bench:models: backend ${choice} unavailable (${(e as Error).message}); skipped\n`);
    continue;
  }
  for (const m of models) {
    const model = MODELS[m].build(1);
    const logits = logitsModel(model);
    const optimizer = adam(1e-3);
    const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
    for (const b of batches) {
      const xs = model.inputs.map((i, k) => tf.randomNormal([b, ...(i.shape.slice(1) as number[])], 0, 1, "float32", k));
      const y = tf.cast(tf.greater(tf.randomUniform([b, 19], 0, 1, "float32", 9), 0.7), "float32");
      const fwd = await seconds(() => model.predict(xs) as tf.Tensor);
      let step = 0;
      const train = await seconds(() => {
        setDropoutStep(step++);
        return optimizer.minimize(() => meanSigmoidCrossEntropy(y, logits.apply(xs, { training: true }) as tf.Tensor) as tf.Scalar, variables);
      });
      const sd = (s: { all: number[] }): number => {
        const rates = s.all.map((t) => b / t);
        const mean = rates.reduce((a, r) => a + r, 0) / rates.length;
        return Math.sqrt(rates.reduce((a, r) => a + (r - mean) ** 2, 0) / rates.length);
      };
      const row = (what: string, s: Awaited<ReturnType<typeof seconds>>): BenchRow => ({
        name: `${m} ${what}, batch ${b}, ${name}`, value: b / s.median, unit: "samples/s", n: s.all.length, stddev: sd(s),
        ...(s.disturbed > 0 ? { note: `${s.disturbed} round(s) disturbed by other processes, measured again` } : {}),
      });
      rows.push(row("forward", fwd), row("training step", train));
      process.stderr.write(`${rows.at(-2)?.name}: ${rows.at(-2)?.value.toFixed(1)}; ${rows.at(-1)?.name}: ${rows.at(-1)?.value.toFixed(1)}\n`);
      tf.dispose([...xs, y]);
    }
    optimizer.dispose();
    model.dispose();
  }
}

// PyTorch for scale, when installed: the same architectures and batch sizes, 2 threads.
const python = values["skip-torch"] === true ? undefined : pythonWith("torch");
if (python !== undefined) {
  const r = spawnSync(python, [new URL("./torch_models.py", import.meta.url).pathname, "--models", models.join(","), "--batches", batches.join(","), "--reps", String(reps)], { encoding: "utf8" });
  if (r.status === 0) rows.push(...(JSON.parse(r.stdout) as BenchRow[]));
  else process.stderr.write(`bench:models: the PyTorch comparison failed: ${r.stderr}\n`);
} else if (values["skip-torch"] !== true) {
  process.stderr.write("bench:models: PyTorch not installed (Debian python3-torch); no side-by-side rows\n");
}
report("models", rows);
