// ONNX test helpers: networks whose outputs are worth comparing, and onnxruntime-node when it is installed.
// A freshly built network has identity batch-norm statistics and, deep ones, saturated sigmoids (ResNet's logits
// reach the hundreds): every probability is 0 or 1 and agreeing on it proves little. testModel gives each batch
// norm seeded non-trivial statistics (so folding them is exercised) and rescales the head so the logits of
// random inputs are about N(0, 1).
import assert from "node:assert/strict";
import type { TestContext } from "node:test";
import { run } from "../../src/cli/index.js";
import { memoryIo } from "../../src/cli/io.js";
import { ortUnavailable, ORT_PACKAGE } from "../../src/export/ort.js";
import { PROBABILITIES } from "../../src/models/head.js";
import { MODELS, type ModelName } from "../../src/models/registry.js";
import { LAYOUTS } from "../../src/contract/layouts.js";
import { tf, tfl } from "../../src/runtime/tf.js";
import { logitsModel } from "../../src/training/logits.js";
import { need } from "./env.js";

/** True when onnxruntime-node loads; otherwise skips the test (or fails it in CI). */
export async function needOrt(t: TestContext): Promise<boolean> {
  const why = await ortUnavailable();
  return need(t, why === undefined ? undefined : `${ORT_PACKAGE} (${why}; install it with npm install)`);
}

/** A seeded uniform random generator on [lo, hi). */
function uniform(seed: number): (lo: number, hi: number) => number {
  let s = seed >>> 0;
  return (lo, hi) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return lo + ((hi - lo) * s) / 2 ** 32;
  };
}

/** Random NHWC inputs for `model` (or for network `name`), batch `n`. */
export function randomInputs(model: tfl.LayersModel | ModelName, n: number, seed: number): tf.Tensor[] {
  const shapes = typeof model === "string" ? LAYOUTS[MODELS[model].layout].map((t) => [t.side, t.side, t.bands.length])
    : model.inputs.map((i) => i.shape.slice(1) as number[]);
  return shapes.map((shape, k) => tf.randomNormal([n, ...shape], 0, 1, "float32", seed + k));
}

/** The model's logits and probabilities on `xs`, from one forward pass. */
export async function logitsAndProbabilities(model: tfl.LayersModel, xs: tf.Tensor[]):
Promise<[Float32Array, Float32Array]> {
  const outputs = [logitsModel(model).outputs[0], model.outputs[0]] as tfl.SymbolicTensor[];
  const both = tfl.model({ inputs: model.inputs, outputs });
  const out = both.predict(xs) as tf.Tensor[];
  const data = await Promise.all(out.map(async (t) => (await t.data()) as Float32Array));
  tf.dispose(out);
  return data as [Float32Array, Float32Array];
}

/**
 * Network `name` (seed `seed`) with non-trivial batch norms and a head calibrated so that its logits on `xs`
 * (default: two random patches) are about N(0, 1).
 */
export async function testModel(name: ModelName, seed: number, xs?: tf.Tensor[]): Promise<tfl.LayersModel> {
  const model = MODELS[name].build(seed);
  const u = uniform(seed);
  for (const layer of model.layers) {
    if (layer.getClassName() !== "BatchNormalization") continue;
    const ranges: Record<string, [number, number]> = {
      gamma: [0.8, 1.2], beta: [-0.1, 0.1], moving_mean: [-0.1, 0.1], moving_variance: [0.8, 1.2],
    };
    layer.setWeights(layer.weights.map((w) => {
      const [lo, hi] = ranges[w.originalName.split("/").pop() as string] as [number, number];
      const length = w.shape.reduce((a: number, b) => a * (b ?? 1), 1);
      return tf.tensor(Float32Array.from({ length }, () => u(lo, hi)), w.shape as number[]);
    }));
  }
  const inputs = xs ?? randomInputs(model, 2, seed);
  const z = logitsModel(model).predict(inputs) as tf.Tensor;
  const [mean, variance] = tf.tidy(() => {
    const m = tf.moments(z);
    return [m.mean.dataSync()[0] as number, m.variance.dataSync()[0] as number];
  });
  tf.dispose(xs === undefined ? [z, ...inputs] : [z]);
  const head = (model.getLayer(PROBABILITIES).input as tfl.SymbolicTensor).sourceLayer;
  const [kernel, bias] = head.getWeights() as [tf.Tensor, tf.Tensor];
  const s = Math.sqrt(variance as number) || 1;
  head.setWeights(tf.tidy(() => [tf.div(kernel, s), tf.div(tf.sub(bias, mean as number), s)]));
  return model;
}

/**
 * `predict --backend onnx` on `inputs` gives `--backend wasm`'s probabilities (within 1e-4) and labels, from the
 * CLI; returns how many patches were compared.
 */
export async function assertOnnxPredictsAsWasm(runDir: string, inputs: string[]): Promise<number> {
  type Row = { patch_name: string; probabilities: number[]; labels: { name: string }[] };
  const rows = async (backend: string): Promise<Row[]> => {
    const io = memoryIo();
    const code = await run(["predict", "--model", runDir, "--backend", backend, "--json", ...inputs], io);
    assert.equal(code, 0, io.stderr);
    return io.stdout.trim().split("\n").map((l) => JSON.parse(l) as Row);
  };
  const [wasm, onnx] = [await rows("wasm"), await rows("onnx")];
  assert.deepEqual(onnx.map((r) => r.patch_name), wasm.map((r) => r.patch_name));
  wasm.forEach((r, i) => r.probabilities.forEach((p, c) => {
    const o = onnx[i]?.probabilities[c] as number;
    assert.ok(Math.abs(p - o) <= 1e-4, `${r.patch_name} class ${c}: wasm ${p}, onnx ${o}`);
  }));
  assert.deepEqual(onnx.map((r) => r.labels.map((l) => l.name)), wasm.map((r) => r.labels.map((l) => l.name)));
  return wasm.length;
}
