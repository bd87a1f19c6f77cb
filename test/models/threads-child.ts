// Run by threads.test.ts in a child process (a process keeps the wasm thread count it first starts with): the wasm
// backend with BEN19_WASM_THREADS threads, then each model's forward pass (tfjs's and the folded one) and the gradients
// of all its weights on fixed inputs, printed as one JSON line: the threads used and a sha256 of every value's bytes
// per model. It must end on its own: the pthread workers may not keep Node alive.
import { createHash } from "node:crypto";
import { selectBackend } from "../../src/runtime/backend.js";
import { setDropoutStep } from "../../src/models/dropout.js";
import { predictFolded } from "../../src/models/fold-bn.js";
import { MODELS, type ModelName } from "../../src/models/registry.js";
import { tf } from "../../src/runtime/tf.js";

const info = await selectBackend("wasm");
const digests: Record<string, { values: number; sha256: string }> = {};
for (const name of process.argv.slice(2) as ModelName[]) {
  const model = MODELS[name].build(3);
  const xs = model.inputs.map((i, k) => tf.randomNormal([2, ...(i.shape.slice(1) as number[])], 0, 1, "float32", 10 + k));
  const w = tf.randomUniform([2, 19], -1, 1, "float32", 5);
  const forward = model.predict(xs) as tf.Tensor;
  const folded = predictFolded(model, xs) as tf.Tensor;
  setDropoutStep(0);
  const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(model.apply(xs, { training: true }) as tf.Tensor, w)) as tf.Scalar);
  const hash = createHash("sha256");
  let values = 0;
  for (const t of [forward, folded, value, ...Object.keys(grads).sort().map((k) => grads[k] as tf.Tensor)]) {
    const data = await t.data();
    hash.update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    values += data.length;
  }
  digests[name] = { values, sha256: hash.digest("hex") };
  tf.dispose([...xs, w, forward, folded, value, ...Object.values(grads)]);
  model.dispose();
}
process.stdout.write(`${JSON.stringify({ threads: info.threads, skipped: info.skipped, digests })}\n`);
