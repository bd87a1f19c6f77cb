// Where a training step's time goes, kernel by kernel (wasm backend): every kernel registered for the backend is
// wrapped with a timer (wall and process CPU, which counts XNNPACK's pool threads too), nested kernels (ours call
// the backend's) are charged to themselves, not their caller, and the self times of --steps steps after two
// warm-up steps are summed per kernel name and per kernel + input shapes. Usage:
//   node --import tsx bench/kernel-profile.ts [--model kbranch] [--batch 32] [--steps 3] [--threads 2] [--top 25]
//     [--simd off]   (off: without ben19's SIMD training module, src/runtime/simd/: the paths it replaced)
// Adam's updates (after the gradients) are timed as a whole too: ben19's fused kernel there is no tfjs kernel.
import { parseArgs } from "node:util";
import { getKernelsForBackend, registerKernel, unregisterKernel, type KernelConfig } from "@tensorflow/tfjs-core";
import { selectBackend } from "../src/runtime/backend.js";
import { setDropoutStep } from "../src/models/dropout.js";
import { MODELS, type ModelName } from "../src/models/registry.js";
import { tf } from "../src/runtime/tf.js";
import { disableTrainKernels } from "../src/runtime/simd/train-module.js";
import { adam } from "../src/training/adam.js";
import { logitsModel } from "../src/training/logits.js";
import { meanSigmoidCrossEntropy } from "../src/training/loss.js";

const { values } = parseArgs({
  options: {
    model: { type: "string", default: "kbranch" }, batch: { type: "string", default: "32" },
    steps: { type: "string", default: "3" }, threads: { type: "string", default: "2" },
    top: { type: "string", default: "25" },
    simd: { type: "string", default: "on" },
  },
});
const batch = Number(values.batch);
const steps = Number(values.steps);
await selectBackend("wasm", { threads: Number(values.threads) });
disableTrainKernels(values.simd === "off");

interface Tally { calls: number; wall: number; cpu: number }
const byName = new Map<string, Tally>();
const byShape = new Map<string, Tally>();
let on = false;
/** Child time to subtract from the enclosing kernel (a stack of running kernels' child totals). */
const stack: { wall: number; cpu: number }[] = [];
const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const add = (m: Map<string, Tally>, k: string, wall: number, cpu: number): void => {
  const t = m.get(k) ?? { calls: 0, wall: 0, cpu: 0 };
  t.calls++;
  t.wall += wall;
  t.cpu += cpu;
  m.set(k, t);
};

// The backend is initialised: the kernels' setup functions have run (they bind the module's functions), so the
// wrapped configs need none of their own.
for (const config of getKernelsForBackend("wasm")) {
  const inner = config.kernelFunc;
  const wrapped: KernelConfig = {
    ...config,
    kernelFunc: (args) => {
      if (!on) return inner(args);
      const [w0, c0] = [performance.now(), cpuMs()];
      stack.push({ wall: 0, cpu: 0 });
      const out = inner(args);
      const [wall, cpu] = [performance.now() - w0, cpuMs() - c0];
      const child = stack.pop() as { wall: number; cpu: number };
      const parent = stack.at(-1);
      if (parent !== undefined) {
        parent.wall += wall;
        parent.cpu += cpu;
      }
      const shapes = Object.values(args.inputs).filter((t) => t !== undefined)
        .map((t) => `[${t.shape.join(",")}]`).join(" ");
      add(byName, config.kernelName, wall - child.wall, cpu - child.cpu);
      add(byShape, `${config.kernelName} ${shapes}`, wall - child.wall, cpu - child.cpu);
      return out;
    },
  };
  unregisterKernel(config.kernelName, "wasm");
  registerKernel(wrapped);
}

const model = MODELS[values.model as ModelName].build(1);
const logits = logitsModel(model);
const optimizer = adam(1e-3);
const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
const xs = model.inputs.map((i, k) => tf.randomNormal([batch, ...(i.shape.slice(1) as number[])], 0, 1, "float32", k));
const y = tf.cast(tf.greater(tf.randomUniform([batch, 19], 0, 1, "float32", 9), 0.7), "float32");
let step = 0;
/** CPU ms of Adam's updates over the profiled steps. */
let adamCpu = 0;
const trainStep = async (): Promise<void> => {
  setDropoutStep(step++);
  let updates = 0;
  const loss = optimizer.minimize(
    () => meanSigmoidCrossEntropy(y, logits.apply(xs, { training: true }) as tf.Tensor) as tf.Scalar, variables,
    () => { updates = cpuMs(); });
  if (on) adamCpu += cpuMs() - updates;
  await loss.data();
  loss.dispose();
};
await trainStep();
await trainStep();
on = true;
const [w0, c0] = [performance.now(), cpuMs()];
for (let i = 0; i < steps; i++) await trainStep();
const [wall, cpu] = [(performance.now() - w0) / steps, (cpuMs() - c0) / steps];
on = false;

const top = Number(values.top);
const table = (m: Map<string, Tally>, title: string): void => {
  const rows = [...m.entries()].sort((a, b) => b[1].cpu - a[1].cpu).slice(0, top);
  process.stdout.write(`\n| ${title} | calls/step | wall ms/step | CPU ms/step | CPU % |\n|---|---:|---:|---:|---:|\n`);
  for (const [k, t] of rows) {
    process.stdout.write(`| ${k} | ${(t.calls / steps).toFixed(0)} | ${(t.wall / steps).toFixed(1)} | ` +
      `${(t.cpu / steps).toFixed(1)} | ${(100 * t.cpu / steps / cpu).toFixed(1)} |\n`);
  }
};
const kernelCpu = [...byName.values()].reduce((a, t) => a + t.cpu, 0) / steps;
process.stdout.write(`${values.model} batch ${batch}, wasm ${values.threads} threads: ` +
  `step ${wall.toFixed(0)} ms wall, ` +
  `${cpu.toFixed(0)} ms CPU (kernels ${kernelCpu.toFixed(0)} ms CPU; ` +
  `Adam's updates ${(adamCpu / steps).toFixed(1)} ms CPU); ` +
  `${(batch / wall * 1000).toFixed(1)} samples/s (SIMD training module ${values.simd})\n`);
table(byName, "kernel");
table(byShape, "kernel and input shapes");
