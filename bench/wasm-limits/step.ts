// The child of bench/wasm-limits.bench.ts: builds one model and, at one batch size on the wasm backend, does what
// `train` does to the heap: two training steps, a validation pass (inference: other kernels, other cached operator
// packings), two more steps; then prints a JSON line (seconds of the last step, heap in MB). The heap only grows,
// and fragments: one lone step would understate it. A process per try, because a heap that ran out cannot be
// trusted afterwards (and may leave the step hanging instead of failing).
import { selectBackend } from "../../src/runtime/backend.js";
import { setDropoutStep } from "../../src/models/dropout.js";
import { MODELS, isModelName } from "../../src/models/registry.js";
import { tf } from "../../src/runtime/tf.js";
import { wasmHeapBytes } from "../../src/runtime/wasm-heap.js";
import { adam } from "../../src/training/adam.js";
import { logitsModel } from "../../src/training/logits.js";
import { meanSigmoidCrossEntropy } from "../../src/training/loss.js";

const [name = "", batchArg = ""] = process.argv.slice(2);
if (!isModelName(name)) throw new Error(`unknown model ${name}`);
const batch = Number(batchArg);
const backend = await selectBackend("wasm");
const model = MODELS[name].build(1);
const logits = logitsModel(model);
const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
const xs = model.inputs.map((i, k) => tf.randomNormal([batch, ...(i.shape.slice(1) as number[])], 0, 1, "float32", k));
const y = tf.cast(tf.greater(tf.randomUniform([batch, 19], 0, 1, "float32", 9), 0.7), "float32");
const optimizer = adam(1e-3);
let seconds = 0;
let value = 0;
for (let step = 0; step < 4; step++) {
  if (step === 2) tf.dispose(await (model.predict(xs) as tf.Tensor).data());
  setDropoutStep(step);
  const started = performance.now();
  const loss = optimizer.minimize(() => meanSigmoidCrossEntropy(y, logits.apply(xs, { training: true }) as tf.Tensor) as tf.Scalar, variables);
  value = (await loss.data())[0] as number;
  loss.dispose();
  seconds = (performance.now() - started) / 1000;
}
const heap = wasmHeapBytes() ?? 0;
process.stdout.write(`${JSON.stringify({ model: name, batch, threads: backend.threads, loss: value, seconds, heapMB: heap / 2 ** 20 })}\n`);
process.exit(0);
