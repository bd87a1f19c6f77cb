// A ben19 network (the tfjs layers graph its builder made) → ONNX nodes and initializers, layer by layer.
// Layout: the graph takes NHWC inputs, exactly the tensors ben19 feeds tfjs, and transposes them to NCHW at the
// start (ONNX's Conv/MaxPool/GlobalAveragePool are channel-first). Flatten transposes back to NHWC first, so the
// flattened order (and the dense weights after it) stay tfjs's. Padding: tfjs's `same` becomes explicit pads,
// TensorFlow's rule (the odd pixel at the end), computed from the static spatial sizes. Dropout is the identity
// (inference). Batch normalisation is folded into the convolution or dense layer before it (its only use);
// anywhere else it is a per-channel Mul and Add. The sigmoid's input is a second output, `logits`.
import { ModelError } from "../core/errors.js";
import type { tfl } from "../models/tf.js";
import type { OnnxInitializer, OnnxNode, OnnxValue } from "./onnx-proto.js";

type Layer = tfl.LayersModel["layers"][number];
type Config = Record<string, unknown>;
type SymbolicTensor = tfl.SymbolicTensor;

/** An ONNX value: its name and rank (4: NCHW inside the graph; 2: [batch, features]). */
interface Value {
  name: string;
  rank: number;
}

/** A Conv or Gemm whose weights are still open to folding: weight [out, ...] and bias [out]. */
interface Affine {
  node: OnnxNode;
  weight: Float32Array;
  dims: number[];
  bias: Float32Array;
  /** Consumers of its output: folding needs it to be exactly one. */
  uses: number;
}

export interface OnnxGraph {
  nodes: OnnxNode[];
  initializers: OnnxInitializer[];
  inputs: OnnxValue[];
  outputs: OnnxValue[];
}

export const BATCH_DIM = "batch";
export const LOGITS = "logits";

const NHWC_TO_NCHW = [0, 3, 1, 2];
const NCHW_TO_NHWC = [0, 2, 3, 1];

const list = <T>(x: T | T[]): T[] => (Array.isArray(x) ? x : [x]);
/**
 * ONNX pads [top, left, bottom, right] of a Conv2D or MaxPooling2D layer with config `c` (padding `same` or
 * `valid`) over its NHWC input, for its kernel [kh, kw] and strides [sh, sw].
 */
function layerPads(layer: Layer, c: Config, [kh, kw]: [number, number], [sh, sw]: [number, number]): number[] {
  if (c["padding"] !== "same") return [0, 0, 0, 0];
  const [, h, w] = (list(layer.input)[0] as SymbolicTensor).shape as number[];
  const [top, bottom] = samePads(h as number, kh, sh);
  const [left, right] = samePads(w as number, kw, sw);
  return [top, left, bottom, right];
}
const pair = (v: unknown): [number, number] =>
  (Array.isArray(v) ? [v[0] as number, v[1] as number] : [v as number, v as number]);

/** TensorFlow's `same` padding along one axis: [begin, end], the odd pixel at the end. */
export function samePads(size: number, kernel: number, stride: number): [number, number] {
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + kernel - size, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

class GraphWriter {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxInitializer[] = [];
  readonly inputs: OnnxValue[] = [];
  private readonly values = new Map<string, Value>();
  private readonly affine = new Map<string, Affine>();
  private readonly uses = new Map<string, number>();

  constructor(private readonly model: tfl.LayersModel) {
    for (const layer of model.layers) {
      for (const t of list(layer.input)) this.uses.set(t.name, (this.uses.get(t.name) ?? 0) + 1);
    }
  }

  private fail(layer: Layer, what: string): never {
    const kind = layer.getClassName();
    throw new ModelError("E_MODEL_EXPORT", `cannot export layer "${layer.name}" (${kind}) to ONNX: ${what}`, {},
      "ben19 exports the layers its own six networks use; export a model ben19 built");
  }

  private value(t: SymbolicTensor): Value {
    const v = this.values.get(t.name);
    if (v === undefined) throw new Error(`ONNX export: tensor ${t.name} used before it was written`);
    return v;
  }

  private emit(op: string, inputs: string[], output: string, attributes?: OnnxNode["attributes"]): OnnxNode {
    const name = `${op}_${this.nodes.length}`;
    const node: OnnxNode = { op, inputs, outputs: [output], name, ...(attributes ? { attributes } : {}) };
    this.nodes.push(node);
    return node;
  }

  private constant(name: string, dims: number[], data: Float32Array | BigInt64Array): string {
    this.initializers.push({ name, dims, data });
    return name;
  }

  private input(layer: Layer): Value {
    const t = list(layer.input);
    if (t.length !== 1) this.fail(layer, `expected one input, got ${t.length}`);
    return this.value(t[0] as SymbolicTensor);
  }

  private weights(layer: Layer): Map<string, Float32Array> {
    const tensors = layer.getWeights();
    // Weight names are "<layer>/<kind>" (e.g. conv1/kernel, bn/moving_mean): keyed by kind.
    const kind = (name: string): string => name.split("/").pop() as string;
    return new Map(layer.weights.map((w, i) => [kind(w.originalName), tensors[i]?.dataSync() as Float32Array]));
  }

  /** The activation after a Conv or Dense (its `activation` config), if any. */
  private activate(layer: Layer, out: Value, fn: unknown): Value {
    if (fn === undefined || fn === "linear") return out;
    const op = fn === "relu" ? "Relu" : fn === "sigmoid" ? "Sigmoid" : this.fail(layer, `activation ${String(fn)}`);
    const v = { name: `${layer.name}/${fn}`, rank: out.rank };
    this.emit(op, [out.name], v.name);
    return v;
  }

  private conv(layer: Layer, c: Config): Value {
    const x = this.input(layer);
    const w = this.weights(layer);
    const kernel = w.get("kernel") as Float32Array;
    const [kh, kw] = pair(c["kernelSize"]);
    const [sh, sw] = pair(c["strides"]);
    const [dh, dw] = pair(c["dilationRate"] ?? 1);
    if (dh !== 1 || dw !== 1) this.fail(layer, "dilated convolutions");
    const cin = ((list(layer.input)[0] as SymbolicTensor).shape as number[])[3] as number;
    const cout = c["filters"] as number;
    // tfjs kernel [kh, kw, cin, cout] → ONNX [cout, cin, kh, kw].
    const weight = new Float32Array(kernel.length);
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        for (let ci = 0; ci < cin; ci++) {
          const from = ((i * kw + j) * cin + ci) * cout;
          for (let co = 0; co < cout; co++) weight[((co * cin + ci) * kh + i) * kw + j] = kernel[from + co] as number;
        }
      }
    }
    const out = { name: `${layer.name}/out`, rank: 4 };
    const node = this.emit("Conv", [x.name, `${layer.name}/W`, `${layer.name}/B`], out.name, {
      kernel_shape: [kh, kw], strides: [sh, sw], pads: layerPads(layer, c, [kh, kw], [sh, sw]), dilations: [1, 1],
    });
    const bias = w.get("bias") ?? new Float32Array(cout);
    this.open(layer, { node, weight, dims: [cout, cin as number, kh, kw], bias, uses: 0 }, c["activation"]);
    return this.activate(layer, out, c["activation"]);
  }

  private dense(layer: Layer, c: Config): Value {
    const x = this.input(layer);
    if (x.rank !== 2) this.fail(layer, `dense on a rank-${x.rank} tensor`);
    const w = this.weights(layer);
    const kernel = w.get("kernel") as Float32Array;
    const units = c["units"] as number;
    const n = kernel.length / units;
    // tfjs kernel [in, units] → [units, in] with transB, so that, as for Conv, the output channel leads.
    const weight = new Float32Array(kernel.length);
    for (let i = 0; i < n; i++) for (let u = 0; u < units; u++) weight[u * n + i] = kernel[i * units + u] as number;
    const out = { name: `${layer.name}/out`, rank: 2 };
    const node = this.emit("Gemm", [x.name, `${layer.name}/W`, `${layer.name}/B`], out.name, { transB: 1 });
    const bias = w.get("bias") ?? new Float32Array(units);
    this.open(layer, { node, weight, dims: [units, n], bias, uses: 0 }, c["activation"]);
    return this.activate(layer, out, c["activation"]);
  }

  /** Records a Conv/Gemm's weights; a linear one stays open so a batch norm right after can fold into it. */
  private open(layer: Layer, a: Affine, fn: unknown): void {
    if (fn === undefined || fn === "linear") {
      const uses = this.uses.get((layer.output as SymbolicTensor).name) ?? 0;
      this.affine.set(a.node.outputs[0] as string, { ...a, uses });
    } else {
      this.close(a);
    }
  }

  /** Writes a Conv/Gemm's final weights as initializers. */
  private close(a: Affine): void {
    this.constant(a.node.inputs[1] as string, a.dims, a.weight);
    this.constant(a.node.inputs[2] as string, [a.bias.length], a.bias);
  }

  private batchNorm(layer: Layer, c: Config): Value {
    const x = this.input(layer);
    const w = this.weights(layer);
    const mean = w.get("moving_mean") as Float32Array;
    const variance = w.get("moving_variance") as Float32Array;
    const gamma = w.get("gamma");
    const beta = w.get("beta");
    const axis = c["axis"] as number;
    if (axis !== -1 && axis !== x.rank - 1) this.fail(layer, `batch normalisation over axis ${axis}, not channels`);
    const eps = c["epsilon"] as number;
    // y = x·scale + shift, per channel, in float64.
    const scale = Array.from(mean, (_, k) => (gamma?.[k] ?? 1) / Math.sqrt((variance[k] as number) + eps));
    const shift = Array.from(mean, (m, k) => (beta?.[k] ?? 0) - m * (scale[k] as number));
    const open = this.affine.get(x.name);
    if (open !== undefined && open.uses === 1) {
      this.affine.delete(x.name);
      const per = open.weight.length / open.bias.length;
      for (let o = 0; o < open.bias.length; o++) {
        const s = scale[o] as number;
        for (let i = o * per; i < (o + 1) * per; i++) open.weight[i] = (open.weight[i] as number) * s;
        open.bias[o] = (open.bias[o] as number) * s + (shift[o] as number);
      }
      this.affine.set(x.name, { ...open, uses: this.uses.get((layer.output as SymbolicTensor).name) ?? 0 });
      return x;
    }
    const dims = x.rank === 4 ? [scale.length, 1, 1] : [scale.length];
    const scaled = `${layer.name}/scaled`;
    this.emit("Mul", [x.name, this.constant(`${layer.name}/scale`, dims, Float32Array.from(scale))], scaled);
    const out = { name: `${layer.name}/out`, rank: x.rank };
    this.emit("Add", [scaled, this.constant(`${layer.name}/shift`, dims, Float32Array.from(shift))], out.name);
    return out;
  }

  private pool(layer: Layer, c: Config): Value {
    const x = this.input(layer);
    const [kh, kw] = pair(c["poolSize"]);
    const [sh, sw] = pair(c["strides"] ?? c["poolSize"]);
    // ONNX MaxPool ignores padded cells, as TensorFlow's `same` max-pooling does.
    const out = { name: `${layer.name}/out`, rank: 4 };
    this.emit("MaxPool", [x.name], out.name, {
      kernel_shape: [kh, kw], strides: [sh, sw], pads: layerPads(layer, c, [kh, kw], [sh, sw]),
    });
    return out;
  }

  private zeroPad(layer: Layer, c: Config): Value {
    const x = this.input(layer);
    const [[top, bottom], [left, right]] = c["padding"] as [[number, number], [number, number]];
    const amounts = BigInt64Array.from([0, 0, top, left, 0, 0, bottom, right].map(BigInt));
    const pads = this.constant(`${layer.name}/pads`, [8], amounts);
    const out = { name: `${layer.name}/out`, rank: 4 };
    this.emit("Pad", [x.name, pads], out.name, { mode: "constant" });
    return out;
  }

  private flatten(layer: Layer): Value {
    const x = this.input(layer);
    if (x.rank === 2) return x;
    const nhwc = `${layer.name}/nhwc`;
    this.emit("Transpose", [x.name], nhwc, { perm: NCHW_TO_NHWC });
    const out = { name: `${layer.name}/out`, rank: 2 };
    this.emit("Flatten", [nhwc], out.name, { axis: 1 });
    return out;
  }

  private globalAverage(layer: Layer): Value {
    const x = this.input(layer);
    const pooled = `${layer.name}/pooled`;
    this.emit("GlobalAveragePool", [x.name], pooled);
    const out = { name: `${layer.name}/out`, rank: 2 };
    this.emit("Flatten", [pooled], out.name, { axis: 1 });
    return out;
  }

  private merge(layer: Layer, c: Config, op: "Concat" | "Sum"): Value {
    const xs = list(layer.input).map((t) => this.value(t));
    const rank = xs[0]?.rank as number;
    const out = { name: `${layer.name}/out`, rank };
    if (op === "Sum") {
      this.emit(xs.length === 2 ? "Add" : "Sum", xs.map((v) => v.name), out.name);
      return out;
    }
    // tfjs's axis counts NHWC dimensions; inside the graph rank-4 values are NCHW.
    const a = (c["axis"] as number | undefined) ?? -1;
    const nhwcAxis = a < 0 ? a + rank : a;
    const axis = rank === 4 ? NHWC_TO_NCHW.indexOf(nhwcAxis) : nhwcAxis;
    this.emit("Concat", xs.map((v) => v.name), out.name, { axis });
    return out;
  }

  private layer(layer: Layer): Value | undefined {
    const c = layer.getConfig() as Config;
    switch (layer.getClassName()) {
      case "InputLayer": return undefined;
      case "Conv2D": return this.conv(layer, c);
      case "Dense": return this.dense(layer, c);
      case "BatchNormalization": return this.batchNorm(layer, c);
      case "Activation": {
        const x = this.input(layer);
        // An alias would lose the name of a linear activation's output only; nothing depends on it.
        return this.activate(layer, x, c["activation"]);
      }
      case "MaxPooling2D": return this.pool(layer, c);
      case "ZeroPadding2D": return this.zeroPad(layer, c);
      case "Flatten": return this.flatten(layer);
      case "GlobalAveragePooling2D": return this.globalAverage(layer);
      case "Concatenate": return this.merge(layer, c, "Concat");
      case "Add": return this.merge(layer, c, "Sum");
      case "Dropout":
      case "Ben19SeededDropout": return this.input(layer);
      default: return this.fail(layer, "no ONNX translation for this layer type");
    }
  }

  write(probabilitiesLayer: string): OnnxGraph {
    for (const t of this.model.inputs) {
      const [, h, w, ch] = t.shape as number[];
      this.inputs.push({ name: t.name, dims: [BATCH_DIM, h as number, w as number, ch as number] });
      const v = { name: `${t.name}/nchw`, rank: 4 };
      this.emit("Transpose", [this.inputs.at(-1)!.name], v.name, { perm: NHWC_TO_NCHW });
      this.values.set(t.name, v);
    }
    for (const layer of this.model.layers) {
      const v = this.layer(layer);
      if (v !== undefined) this.values.set((layer.output as SymbolicTensor).name, v);
    }
    for (const a of this.affine.values()) this.close(a);
    const head = this.model.getLayer(probabilitiesLayer);
    if (this.model.outputs.length !== 1 || this.model.outputs[0] !== head.output) {
      throw new ModelError("E_MODEL_EXPORT", `the model's one output must be its "${probabilitiesLayer}" layer`, {},
        "export a model ben19 built (its head ends in a sigmoid layer named probabilities)");
    }
    const logits = this.value(list(head.input)[0] as SymbolicTensor);
    const probs = this.value(head.output as SymbolicTensor);
    this.emit("Identity", [logits.name], LOGITS);
    this.emit("Identity", [probs.name], probabilitiesLayer);
    const classes = (head.output as SymbolicTensor).shape[1] as number;
    return {
      nodes: this.nodes,
      initializers: this.initializers,
      inputs: this.inputs,
      outputs: [
        { name: probabilitiesLayer, dims: [BATCH_DIM, classes], doc: "sigmoid class probabilities" },
        { name: LOGITS, dims: [BATCH_DIM, classes], doc: "the logits the sigmoid takes" },
      ],
    };
  }
}

/** The ONNX graph of `model`, whose single output is the sigmoid layer named `probabilitiesLayer`. */
export function onnxGraph(model: tfl.LayersModel, probabilitiesLayer: string): OnnxGraph {
  return new GraphWriter(model).write(probabilitiesLayer);
}
