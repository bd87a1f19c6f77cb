// ben19's SIMD training module (src/runtime/simd/) against the paths it replaced, in process CPU time (which counts
// XNNPACK's pool threads; wall time is noise on a shared machine), alternating on and off: Adam's updates over a
// model's variables (moments on the backend) and K-BranchCNN's MaxPoolGrad calls at batch 32. Usage:
//   node --import tsx bench/train-kernels.bench.ts [--model kbranch] [--reps 10] [--threads 2]
import { parseArgs } from "node:util";
import { MODELS, type ModelName } from "../src/models/registry.js";
import { selectBackend } from "../src/runtime/backend.js";
import { disableTrainKernels } from "../src/runtime/simd/train-module.js";
import { tf } from "../src/runtime/tf.js";
import { adam } from "../src/training/adam.js";

const { values } = parseArgs({
  options: {
    model: { type: "string", default: "kbranch" }, reps: { type: "string", default: "10" },
    threads: { type: "string", default: "2" },
  },
});
const reps = Number(values.reps);
await selectBackend("wasm", { threads: Number(values.threads) });
const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

const model = MODELS[values.model as ModelName].build(1);
const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
const grads = variables.map((v, i) => tf.randomNormal(v.shape, 0, 1e-2, "float32", i + 1));
const optimizers = { on: adam(1e-3, { hostMoments: false }), off: adam(1e-3, { hostMoments: false, fused: false }) };
// Adam's minimize needs a loss: one whose gradients are the fixed tensors above (sum of w·g).
const loss = (): tf.Scalar => tf.addN(variables.map((v, i) => tf.sum(tf.mul(v, grads[i] as tf.Tensor)))) as tf.Scalar;

// K-BranchCNN's three max poolings (2×2, stride 2) at batch 32, after a ReLU (ties): the kernel alone.
const shapes: [number, number, number, number][] = [[32, 120, 120, 32], [32, 60, 60, 32], [32, 60, 60, 32]];
const pools = shapes.map((shape, i) => {
  const x = tf.relu(tf.randomNormal(shape, 0, 1, "float32", 50 + i)) as tf.Tensor4D;
  const output = tf.maxPool(x, 2, 2, "valid");
  const dy = tf.randomNormal(output.shape, 0, 1, "float32", 60 + i);
  return { x, output, dy };
});
const attrs = { filterSize: 2, strides: 2, pad: "valid" };
const maxPoolGrads = (): void => {
  for (const { x, output, dy } of pools) {
    tf.dispose(tf.engine().runKernel("MaxPoolGrad", { dy, input: x, output }, attrs) as tf.Tensor);
  }
};

/** CPU ms of the gradient step alone (the same either way), to subtract from the Adam timings. */
const gradientOnly = (): void => {
  const { value, grads: g } = tf.variableGrads(loss, variables);
  tf.dispose([value, ...Object.values(g)]);
};

const timed = (f: () => void): number => {
  const c0 = cpuMs();
  f();
  return cpuMs() - c0;
};
const totals = { adamOn: 0, adamOff: 0, gradients: 0, poolOn: 0, poolOff: 0 };
for (let r = -1; r < reps; r++) {
  const warm = r < 0;
  for (const mode of ["on", "off"] as const) {
    disableTrainKernels(mode === "off");
    const adamMs = timed(() => optimizers[mode].minimize(loss, variables).dispose());
    const poolMs = timed(maxPoolGrads);
    if (warm) continue;
    totals[mode === "on" ? "adamOn" : "adamOff"] += adamMs;
    totals[mode === "on" ? "poolOn" : "poolOff"] += poolMs;
  }
  disableTrainKernels(false);
  const gradMs = timed(gradientOnly);
  if (!warm) totals.gradients += gradMs;
}
const per = (ms: number): string => (ms / reps).toFixed(1);
const n = variables.reduce((a, v) => a + v.size, 0);
process.stdout.write(`${values.model}, ${variables.length} variables, ${n} weights, wasm ${values.threads} threads, ` +
  `${reps} reps alternating (CPU ms per step)\n`);
process.stdout.write(`Adam updates: SIMD module ${per(totals.adamOn - totals.gradients)}, ` +
  `backend ops ${per(totals.adamOff - totals.gradients)} (gradients of the stand-in loss, ${per(totals.gradients)}, ` +
  "subtracted)\n");
process.stdout.write(`MaxPoolGrad ×3: SIMD module ${per(totals.poolOn)}, ` +
  `JavaScript ${per(totals.poolOff)}\n`);
