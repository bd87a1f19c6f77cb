// Does a training step cost more on the trainer's inputs than on the step bench's? K-BranchCNN steps on the same
// model and optimizer, one input mode after the other in blocks, so the modes share the machine's load; the CPU
// (and wall) per step of each mode. Modes: rand-reused (bench:models' random-normal tensors, made once), real-fresh
// (real batches of the cached synth shard, decoded beforehand, new tensors every step as the trainer makes them),
// real-reused (one real batch), real-live (the trainer's way: batches from a live dataset whose workers decode ahead
// during the steps). Usage:
//   node --import tsx bench/step-inputs.ts [--modes rand-reused,real-fresh,real-live] [--steps 12] [--block 4]
//                                          [--threads 2]
import { parseArgs } from "node:util";
import type { Batch } from "../src/dataset/batch.js";
import { createDataset } from "../src/dataset/dataset.js";
import { batchToTensors } from "../src/dataset/tensors.js";
import { setDropoutStep } from "../src/models/dropout.js";
import { MODELS } from "../src/models/registry.js";
import { selectBackend } from "../src/runtime/backend.js";
import { tf } from "../src/runtime/tf.js";
import { adam } from "../src/training/adam.js";
import { logitsModel } from "../src/training/logits.js";
import { meanSigmoidCrossEntropy } from "../src/training/loss.js";
import { median } from "./timing.js";
import { commandShard } from "./train-command.js";

const { values } = parseArgs({
  options: {
    modes: { type: "string", default: "rand-reused,real-fresh,real-live" }, steps: { type: "string", default: "12" },
    block: { type: "string", default: "4" }, threads: { type: "string", default: "2" },
  },
});
const BATCH = 32;
await selectBackend("wasm", { threads: Number(values.threads) });
const shard = await commandShard(1200);
const data = { files: shard, layout: "kbranch", batchSize: BATCH, seed: 42, shuffleBuffer: 2000 } as const;
const decoded: Batch[] = [];
const once = createDataset({ ...data, workers: 0 });
for await (const b of once.epoch(0)) if (b.size === BATCH) decoded.push(b);
await once.close();
const liveSet = createDataset(data);
const live = liveSet.epoch(1)[Symbol.asyncIterator]();

const model = MODELS.kbranch.build(42);
const logits = logitsModel(model);
const optimizer = adam(1e-3);
const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
const rand = model.inputs.map((i, k) =>
  tf.randomNormal([BATCH, ...(i.shape.slice(1) as number[])], 0, 1, "float32", k));
const randY = tf.cast(tf.greater(tf.randomUniform([BATCH, 19], 0, 1, "float32", 9), 0.7), "float32");
const realOne = batchToTensors(tf, decoded[0] as Batch);
const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** The inputs and labels of a step in `mode`, and whether the step disposes them. */
async function inputs(mode: string, step: number): Promise<{ xs: tf.Tensor[]; y: tf.Tensor; fresh: boolean }> {
  if (mode === "rand-reused") return { xs: rand, y: randY, fresh: false };
  if (mode === "real-reused") return { xs: realOne.inputs, y: realOne.labels, fresh: false };
  const batch = mode === "real-fresh" ? decoded[step % decoded.length] : (await live.next()).value as Batch;
  if (mode !== "real-fresh" && mode !== "real-live") throw new Error(`unknown mode ${mode}`);
  const t = batchToTensors(tf, batch as Batch);
  return { xs: t.inputs, y: t.labels, fresh: true };
}

let step = 0;
/** One training step in `mode`: [CPU ms, wall ms] of the step itself (not of making its inputs). */
async function trainStep(mode: string): Promise<[number, number]> {
  setDropoutStep(step);
  const { xs, y, fresh } = await inputs(mode, step++);
  const [c0, w0] = [cpuMs(), performance.now()];
  const loss = optimizer.minimize(
    () => meanSigmoidCrossEntropy(y, logits.apply(xs, { training: true }) as tf.Tensor) as tf.Scalar, variables);
  await loss.data();
  const spent: [number, number] = [cpuMs() - c0, performance.now() - w0];
  loss.dispose();
  if (fresh) tf.dispose([...xs, y]);
  return spent;
}

const modes = (values.modes as string).split(",");
const block = Number(values.block);
for (const m of modes) await trainStep(m);
const tally = new Map<string, [number, number][]>(modes.map((m) => [m, []]));
for (let i = 0; i < Number(values.steps); i += block) {
  for (const m of modes) for (let j = 0; j < block; j++) tally.get(m)?.push(await trainStep(m));
}
// The live epoch is left mid-way: end it (its reads and decodes in flight) before stopping the workers.
await live.return?.(undefined);
await liveSet.close();
for (const [m, runs] of tally) {
  const cpu = runs.map((r) => r[0]);
  process.stdout.write(`${m.padEnd(12)} median ${median(cpu).toFixed(0)} CPU ms/step ` +
    `(mean ${(cpu.reduce((a, b) => a + b, 0) / cpu.length).toFixed(0)}), median wall ` +
    `${median(runs.map((r) => r[1])).toFixed(0)} ms; CPU ${cpu.map((c) => c.toFixed(0)).join(" ")}\n`);
}
