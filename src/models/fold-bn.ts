// Inference with every batch norm folded into the convolution or dense layer that feeds only it (issue #21).
// tfjs-layers runs conv → batch norm → ReLU as three passes over the activation; at inference the batch norm is a
// fixed per-channel affine map, so it can move into the weights:
//   r = γ/√(var+ε),  w' = w·r (per output channel),  b' = (b − mean)·r + β
// and the three layers become one tf.fused.conv2d (or fused.matMul) with bias and, when the batch norm's only
// consumer is a relu Activation, the ReLU: XNNPACK applies both while it writes the output. On ResNet50 that removes
// two full passes over 53 of its activations. Float32 rounding differs from the unfolded path only in the last bits.
//
// predictFolded() walks the model's layers in topological order and runs each (or each folded group) on concrete
// tensors, like model.predict with training off. The folded weights are cached per convolution, keyed on the data
// ids of the tensors they came from; anything that writes weights in place without new data ids (Adam's fused
// update) must call invalidateFolded().
import type { SymbolicTensor } from "@tensorflow/tfjs-layers";
import { tf, tfl } from "../runtime/tf.js";

type AnyLayer = tfl.layers.Layer;
type Weight = { read(): tf.Tensor } | null;

/** The parts of tfjs-layers' Conv2D / Dense that folding reads. */
interface LinearLayer extends AnyLayer {
  kernel: { read(): tf.Tensor };
  bias: Weight;
  strides?: [number, number];
  padding?: string;
  dataFormat?: string;
  dilationRate?: [number, number];
  rank?: number;
}

/** The parts of tfjs-layers' BatchNormalization that folding reads. */
interface BatchNormLayer extends AnyLayer {
  axis: number;
  epsilon: number;
  gamma: Weight;
  beta: Weight;
  movingMean: { read(): tf.Tensor };
  movingVariance: { read(): tf.Tensor };
}

/** The parts of a tfjs-layers graph node that the walk reads. */
interface GraphNode {
  inputTensors: SymbolicTensor[];
  outputTensors: SymbolicTensor[];
}

/** One step of a plan: a layer as it is, or a linear layer with its batch norm (and ReLU) folded in. */
type Step =
  | { kind: "layer"; layer: AnyLayer; inputs: number[]; outputs: number[] }
  | { kind: "fold"; linear: LinearLayer; bn: BatchNormLayer; relu: boolean; input: number; output: number };

interface Plan {
  steps: Step[];
  inputs: number[];
  outputs: number[];
}

/** Folded weights of one linear layer and the source tensors' data ids they were made from. */
interface Folded {
  ids: unknown[];
  generation: number;
  weights: tf.Tensor;
  bias: tf.Tensor;
}

const plans = new WeakMap<tfl.LayersModel, Plan | null>();
const folded = new WeakMap<AnyLayer, Folded>();
/** Every cached fold, so that invalidateFolded() can free them all. */
const live = new Set<Folded>();
let generation = 0;

/** Frees the folded weights of `model`'s layers, or of every model; the next predictFolded() folds again. */
export function invalidateFolded(model?: tfl.LayersModel): void {
  if (model === undefined) {
    generation++;
    for (const f of live) tf.dispose([f.weights, f.bias]);
    live.clear();
    return;
  }
  for (const layer of model.layers) {
    const f = folded.get(layer);
    if (f === undefined) continue;
    folded.delete(layer);
    live.delete(f);
    tf.dispose([f.weights, f.bias]);
  }
}

const isLinear = (layer: AnyLayer): boolean => {
  const cls = layer.getClassName();
  const l = layer as LinearLayer;
  const linearActivation = (layer.getConfig() as { activation?: string }).activation === "linear";
  if (cls === "Dense") return linearActivation;
  return cls === "Conv2D" && linearActivation && l.rank === 2 && l.dataFormat === "channelsLast" &&
    (l.padding === "same" || l.padding === "valid");
};

const isLastAxisBatchNorm = (layer: AnyLayer): boolean =>
  layer.getClassName() === "BatchNormalization" && (layer as BatchNormLayer).axis === -1;

const isRelu = (layer: AnyLayer): boolean =>
  layer.getClassName() === "Activation" && (layer.getConfig() as { activation?: string }).activation === "relu";

/** The steps of `model`, or null when its graph has a layer this walker does not handle (nested models,
 * a layer called more than once): predictFolded then uses model.predict. */
function buildPlan(model: tfl.LayersModel): Plan | null {
  const ids = (ts: SymbolicTensor[]): number[] => ts.map((t) => t.id);
  const known = new Set<number>(ids(model.inputs));
  const nodes: { layer: AnyLayer; inputs: number[]; outputs: number[] }[] = [];
  for (const layer of model.layers) {
    if (layer.getClassName() === "InputLayer") continue;
    if (layer instanceof tfl.LayersModel || layer.inboundNodes.length !== 1) return null;
    const node = layer.inboundNodes[0] as unknown as GraphNode;
    const inputs = ids(node.inputTensors);
    if (!inputs.every((i) => known.has(i))) return null;
    const outputs = ids(node.outputTensors);
    for (const o of outputs) known.add(o);
    nodes.push({ layer, inputs, outputs });
  }
  const outputs = ids(model.outputs);
  if (!outputs.every((o) => known.has(o))) return null;
  // How many times each value is read (a model output counts as a read): only values read once may be fused away.
  const reads = new Map<number, number>();
  for (const id of [...nodes.flatMap((n) => n.inputs), ...outputs]) reads.set(id, (reads.get(id) ?? 0) + 1);
  const byInput = new Map(nodes.map((n) => [n.inputs[0] as number, n]));
  const readOnce = (id: number): boolean => reads.get(id) === 1;
  const steps: Step[] = [];
  const absorbed = new Set<AnyLayer>();
  for (const n of nodes) {
    if (absorbed.has(n.layer)) continue;
    const out = n.outputs[0] as number;
    const bn = byInput.get(out);
    if (!isLinear(n.layer) || n.inputs.length !== 1 || !readOnce(out) || bn === undefined ||
      !isLastAxisBatchNorm(bn.layer)) {
      steps.push({ kind: "layer", ...n });
      continue;
    }
    const bnOut = bn.outputs[0] as number;
    const next = byInput.get(bnOut);
    const relu = next !== undefined && readOnce(bnOut) && isRelu(next.layer);
    absorbed.add(bn.layer);
    if (relu) absorbed.add(next.layer);
    steps.push({
      kind: "fold", linear: n.layer as LinearLayer, bn: bn.layer as BatchNormLayer, relu,
      input: n.inputs[0] as number, output: relu ? next.outputs[0] as number : bnOut,
    });
  }
  return { steps, inputs: ids(model.inputs), outputs };
}

/** The folded weights of `step`, from the cache while its source tensors are the same. */
function foldedWeights(step: Extract<Step, { kind: "fold" }>): Folded {
  const { linear, bn } = step;
  const sources = [linear.kernel, linear.bias, bn.gamma, bn.beta, bn.movingMean, bn.movingVariance]
    .map((w) => w?.read() ?? null);
  const ids = sources.map((t) => (t as { dataId?: unknown } | null)?.dataId ?? null);
  const cached = folded.get(linear);
  if (cached !== undefined && cached.generation === generation && cached.ids.every((id, i) => id === ids[i])) {
    return cached;
  }
  if (cached !== undefined) {
    live.delete(cached);
    tf.dispose([cached.weights, cached.bias]);
  }
  const [kernel, bias, gamma, beta, mean, variance] = sources as
    [tf.Tensor, tf.Tensor | null, tf.Tensor | null, tf.Tensor | null, tf.Tensor, tf.Tensor];
  const [weights, b] = tf.tidy(() => {
    let r = tf.rsqrt(tf.add(variance, tf.scalar(bn.epsilon)));
    if (gamma !== null) r = tf.mul(r, gamma);
    let shifted = tf.neg(mean);
    if (bias !== null) shifted = tf.add(bias, shifted);
    let b2 = tf.mul(shifted, r);
    if (beta !== null) b2 = tf.add(b2, beta);
    // Kept: this may run inside predictFolded's tidy, and the cache outlives it.
    return [tf.keep(tf.mul(kernel, r)), tf.keep(b2)];
  });
  const entry: Folded = { ids, generation, weights, bias: b };
  folded.set(linear, entry);
  live.add(entry);
  return entry;
}

function runFold(step: Extract<Step, { kind: "fold" }>, x: tf.Tensor): tf.Tensor {
  const { linear, bn, relu } = step;
  const activation = relu ? "relu" : "linear";
  const { weights, bias } = foldedWeights(step);
  if (linear.getClassName() === "Conv2D" && x.rank === 4) {
    return tf.fused.conv2d({
      x: x as tf.Tensor4D, filter: weights as tf.Tensor4D, strides: linear.strides as [number, number],
      pad: linear.padding as "same" | "valid", dataFormat: "NHWC", dilations: linear.dilationRate as [number, number],
      bias, activation,
    });
  }
  if (linear.getClassName() === "Dense" && x.rank === 2) {
    return tf.fused.matMul({ a: x as tf.Tensor2D, b: weights as tf.Tensor2D, bias, activation });
  }
  // A dense layer on a higher-rank input: the layers as they are.
  const y = bn.apply(linear.apply(x, { training: false }), { training: false }) as tf.Tensor;
  return relu ? tf.relu(y) : y;
}

/** `model`'s outputs for `inputs` with training off, as model.predict gives them, with batch norms folded. */
export function predictFolded(model: tfl.LayersModel, inputs: tf.Tensor | tf.Tensor[]): tf.Tensor | tf.Tensor[] {
  let plan = plans.get(model);
  if (plan === undefined) {
    plan = buildPlan(model);
    plans.set(model, plan);
  }
  if (plan === null) return model.predict(inputs);
  const p = plan;
  const xs = Array.isArray(inputs) ? inputs : [inputs];
  return tf.tidy(() => {
    const values = new Map<number, tf.Tensor>(p.inputs.map((id, i) => [id, xs[i] as tf.Tensor]));
    const get = (id: number): tf.Tensor => values.get(id) as tf.Tensor;
    for (const step of p.steps) {
      if (step.kind === "fold") {
        values.set(step.output, runFold(step, get(step.input)));
        continue;
      }
      const ins = step.inputs.map(get);
      const out = step.layer.apply(ins.length === 1 ? ins[0] as tf.Tensor : ins, { training: false });
      const outs = Array.isArray(out) ? out : [out];
      step.outputs.forEach((id, i) => values.set(id, outs[i] as tf.Tensor));
    }
    const outs = p.outputs.map(get);
    return outs.length === 1 ? outs[0] as tf.Tensor : outs;
  });
}
