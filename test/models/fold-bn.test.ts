// predictFolded: batch norms folded into the layers before them give model.predict's outputs within float32
// rounding, run no batch-norm kernel, and follow weight changes (new tensors; in-place writes once invalidated;
// training with Adam).
import assert from "node:assert/strict";
import { test } from "node:test";
import { invalidateFolded, predictFolded } from "../../src/models/fold-bn.js";
import { MODELS, type ModelName } from "../../src/models/registry.js";
import { selectBackend } from "../../src/runtime/backend.js";
import { tf, type tfl } from "../../src/runtime/tf.js";
import { writeInPlace } from "../../src/runtime/wasm-heap.js";
import { adam } from "../../src/training/adam.js";
import { logitsModel } from "../../src/training/logits.js";
import { meanSigmoidCrossEntropy } from "../../src/training/loss.js";

/** Gives every batch norm non-trivial statistics and affine weights (fresh ones are 0, 1, 1, 0: folding those
 * would hide mistakes). */
function randomiseBatchNorms(model: tfl.LayersModel): void {
  let seed = 100;
  for (const w of model.weights) {
    const name = w.originalName;
    const t = w.read();
    const draw = (lo: number, hi: number): tf.Tensor => tf.randomUniform(t.shape, lo, hi, "float32", seed++);
    const value = name.endsWith("moving_mean") ? draw(-0.5, 0.5)
      : name.endsWith("moving_variance") ? draw(0.2, 3)
        : name.endsWith("gamma") ? draw(0.5, 1.5)
          : name.endsWith("beta") ? draw(-0.3, 0.3) : null;
    if (value !== null) {
      w.write(value);
      value.dispose();
    }
  }
}

/** Largest |a − b| relative to the largest |a|. */
async function relativeDiff(a: tf.Tensor, b: tf.Tensor): Promise<number> {
  const [x, y] = [await a.data(), await b.data()] as Float32Array[];
  assert.equal(x?.length, y?.length);
  let scale = 0;
  let diff = 0;
  x?.forEach((v, i) => {
    scale = Math.max(scale, Math.abs(v));
    diff = Math.max(diff, Math.abs(v - (y?.[i] as number)));
  });
  assert.ok(scale > 0);
  return diff / scale;
}

const inputsFor = (model: tfl.LayersModel, n: number): tf.Tensor[] =>
  model.inputs.map((i, k) => tf.randomNormal([n, ...(i.shape.slice(1) as number[])], 0, 1, "float32", 7 + k));

for (const name of ["kbranch", "resnet50"] as ModelName[]) {
  test(`${name}: folded inference equals model.predict, with no batch-norm kernel, and follows training (wasm)`,
    async () => {
      await selectBackend("wasm");
      const model = MODELS[name].build(5);
      randomiseBatchNorms(model);
      const logits = logitsModel(model);
      const xs = inputsFor(model, 2);
      const check = async (what: string): Promise<void> => {
        for (const m of [model, logits]) {
          const plain = m.predict(xs) as tf.Tensor;
          let ours: tf.Tensor = tf.scalar(0);
          const profile = await tf.profile(() => {
            ours = predictFolded(m, xs) as tf.Tensor;
            return ours;
          });
          const d = await relativeDiff(plain, ours);
          assert.ok(d < 1e-4, `${what}, ${m.name}: outputs differ by ${d} (relative)`);
          const bn = profile.kernels.filter((k) => k.name === "FusedBatchNorm").length;
          assert.equal(bn, 0, `${what}, ${m.name}: ${bn} batch norms were not folded`);
          tf.dispose([plain, ours]);
        }
      };
      await check("fresh");
      // New weight tensors (new data ids): refolded without being told.
      randomiseBatchNorms(model);
      await check("new statistics");
      // Weights written in place keep their data ids: the cache must be told, by invalidateFolded().
      const kernel = model.trainableWeights.find((w) => w.originalName.endsWith("kernel"))?.read() as tf.Tensor;
      const target = writeInPlace(kernel);
      assert.ok(target !== undefined, "the kernel cannot be written in place");
      target.values.forEach((v, i) => { target.values[i] = 2 * v + 0.1; });
      target.done();
      // (On the logits: ResNet's probabilities saturate with these statistics.)
      const stale = await relativeDiff(logits.predict(xs) as tf.Tensor, predictFolded(logits, xs) as tf.Tensor);
      assert.ok(stale > 1e-3, `the cache did not keep the folds of the old weights (differs by ${stale})`);
      invalidateFolded(model);
      await check("after an in-place write and invalidateFolded(model)");
      // Adam's fused update writes the weights in place (same data ids): it invalidates the folds itself.
      const optimizer = adam(0.05);
      const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
      const y = tf.ones([2, 19]);
      optimizer.minimize(() => meanSigmoidCrossEntropy(y, logits.apply(xs, { training: true }) as tf.Tensor) as
        tf.Scalar, vars).dispose();
      await check("after an Adam step");
      optimizer.dispose();
      tf.dispose([...xs, y]);
      model.dispose();
    });
}
