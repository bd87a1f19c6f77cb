// Model throughput: forward (inference) and one training step (Adam, mean sigmoid cross-entropy, the trainer's
// own step) per model, batch size and backend, in samples/s. Usage:
//   npm run bench:models [-- --models kbranch,resnet50 --batches 8,32 --backends wasm,cpu --reps 3 --threads 1
//                             --skip-torch --command-models kbranch --command-patches 1200 --unfolded]
// Defaults: all six models, batches 8 and 32, every backend that loads except cpu (hundreds of times slower for
// conv nets: ask for it explicitly), the wasm backend on every core (--threads N: N threads, 1 = the single-threaded
// build; one count per run, as a process keeps the first it starts with). When PyTorch is installed (Debian
// python3-torch), bench/torch_models.py runs the same networks with 2 threads for the side-by-side figures.
// Then, per --command-models model (default kbranch; "none" for none), the whole `ben19 train` command: one epoch
// of --command-patches synth patches at batch 32 (or the model's wasm maximum), its rate next to the steady step
// rate inside it (bench/train-command.ts). The forward pass is predict's and eval's (batch norms folded,
// src/models/fold-bn.ts); --unfolded adds a row for tfjs's own model.predict, measured in the same process.
import { spawnSync } from "node:child_process";
import { parseArgs } from "node:util";
import { selectBackend, type BackendChoice } from "../src/runtime/backend.js";
import { setDropoutStep } from "../src/models/dropout.js";
import { predictFolded } from "../src/models/fold-bn.js";
import { MODEL_NAMES, MODELS, type ModelName } from "../src/models/registry.js";
import { tf } from "../src/runtime/tf.js";
import { adam } from "../src/training/adam.js";
import { logitsModel } from "../src/training/logits.js";
import { meanSigmoidCrossEntropy } from "../src/training/loss.js";
import { pythonWith } from "./python.js";
import { report, type BenchRow } from "./report.js";
import { rateStddev, timeRounds, type Timing } from "./timing.js";
import { commandShard, trainCommand } from "./train-command.js";

const { values } = parseArgs({
  options: {
    models: { type: "string", default: MODEL_NAMES.join(",") },
    batches: { type: "string", default: "8,32" },
    backends: { type: "string", default: "node,wasm" },
    reps: { type: "string", default: "3" },
    threads: { type: "string" },
    "skip-torch": { type: "boolean", default: false },
    "command-models": { type: "string", default: "kbranch" },
    "command-patches": { type: "string", default: "1200" },
    unfolded: { type: "boolean", default: false },
  },
});
const models = (values.models as string).split(",") as ModelName[];
const batches = (values.batches as string).split(",").map(Number);
const reps = Number(values.reps);

/** Seconds per call of `f`, which returns a tensor to wait for (see timing.ts). */
const seconds = (f: () => tf.Tensor): Promise<Timing> => timeRounds(async () => {
  const out = f();
  await out.data();
  out.dispose();
}, reps);

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
      const fwd = await seconds(() => predictFolded(model, xs) as tf.Tensor);
      const unfolded = values.unfolded === true ? await seconds(() => model.predict(xs) as tf.Tensor) : undefined;
      let step = 0;
      const train = await seconds(() => {
        setDropoutStep(step++);
        return optimizer.minimize(() => meanSigmoidCrossEntropy(y, logits.apply(xs, { training: true }) as tf.Tensor) as tf.Scalar, variables);
      });
      const row = (what: string, s: Timing): BenchRow => ({
        name: `${m} ${what}, batch ${b}, ${name}`, value: b / s.median, unit: "samples/s", n: s.all.length, stddev: rateStddev(b, s),
        // CPU per sample barely depends on the other jobs sharing the machine (PyTorch's rows say the same).
        note: `${(s.cpu * 1000 / b).toFixed(1)} CPU ms/sample` +
          (s.disturbed > 0 ? `; ${s.disturbed} round(s) disturbed by other processes, measured again` : ""),
      });
      if (unfolded !== undefined) rows.push(row("forward unfolded", unfolded));
      rows.push(row("forward", fwd), row("training step", train));
      process.stderr.write(`${rows.at(-2)?.name}: ${rows.at(-2)?.value.toFixed(1)}; ${rows.at(-1)?.name}: ${rows.at(-1)?.value.toFixed(1)}\n`);
      tf.dispose([...xs, y]);
    }
    optimizer.dispose();
    model.dispose();
  }
}

// The whole command, as a user runs it.
const commandList = values["command-models"] as string;
const commandModels = commandList === "none" ? [] : commandList.split(",") as ModelName[];
if (commandModels.length > 0) {
  const patches = Number(values["command-patches"]);
  const shard = await commandShard(patches);
  for (const m of commandModels) {
    const run = trainCommand(m, shard, patches, Math.min(32, MODELS[m].wasmMaxBatch), values.threads);
    rows.push(...run.rows);
    for (const r of run.rows) {
      process.stderr.write(`${r.name}: ${r.value.toFixed(1)}${r.note === undefined ? "" : ` (${r.note})`}\n`);
    }
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
