// The reference's six networks written again, for tests, straight from its TensorFlow code (bigearthnet-models-tf
// K-BranchCNN.py; TF-Slim vgg.py, resnet_v1.py, resnet_utils.py): every variable under the reference's name with
// its shape, and a forward pass in plain tfjs ops (conv2d, batch norm by formula, pooling, matmul) that reads
// the variables by those names. Nothing here uses ben19's layer models or its name mapping, so an imported
// model's output can be checked against this one computed from the same checkpoint arrays.
import { tf } from "../../src/runtime/tf.js";

type T = tf.Tensor4D;

interface ConvOptions {
  stride?: number;
  pad: "same" | "valid";
  bias: boolean;
  /** Slim names (weights, biases) rather than tf.layers ones (kernel, bias). */
  slim: boolean;
}

/** Records the variables a network declares and, given values, computes with them (x === null: declare only). */
export class RefNet {
  readonly vars: { name: string; shape: number[] }[] = [];
  constructor(private readonly values?: (name: string) => Float32Array) {}

  /** Declares a variable; its value as a tensor when computing (undefined in a declare-only pass). */
  v(name: string, shape: number[]): tf.Tensor | undefined {
    this.vars.push({ name, shape });
    return this.values === undefined ? undefined : tf.tensor(this.values(name), shape, "float32");
  }

  /** Convolution (+ bias) named scope/{kernel,bias} (tf.layers) or scope/{weights,biases} (Slim). */
  conv(x: T | null, scope: string, k: number, cin: number, cout: number, o: ConvOptions): T | null {
    const w = this.v(`${scope}/${o.slim ? "weights" : "kernel"}`, [k, k, cin, cout]) as tf.Tensor4D | undefined;
    const b = o.bias ? this.v(`${scope}/${o.slim ? "biases" : "bias"}`, [cout]) : undefined;
    if (x === null || w === undefined) return null;
    const s = o.stride ?? 1;
    const y = tf.conv2d(x, w, [s, s], o.pad);
    return b === undefined ? y : tf.add<tf.Tensor4D>(y, b);
  }

  /** Batch norm at inference: gamma · (x − mean) / √(var + eps) + beta; gamma absent when `scale` is false. */
  bn<X extends tf.Tensor>(x: X | null, scope: string, c: number, eps: number): X | null {
    const gamma = this.v(`${scope}/gamma`, [c]);
    const beta = this.v(`${scope}/beta`, [c]);
    const mean = this.v(`${scope}/moving_mean`, [c]);
    const variance = this.v(`${scope}/moving_variance`, [c]);
    if (x === null || gamma === undefined || beta === undefined) return null;
    if (mean === undefined || variance === undefined) return null;
    return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, eps))), gamma), beta) as X;
  }

  dense(x: tf.Tensor2D | null, scope: string, cin: number, cout: number): tf.Tensor2D | null {
    const w = this.v(`${scope}/kernel`, [cin, cout]) as tf.Tensor2D | undefined;
    const b = this.v(`${scope}/bias`, [cout]);
    return x === null || w === undefined || b === undefined ? null : tf.add<tf.Tensor2D>(tf.matMul(x, w), b);
  }
}

const relu = <X extends tf.Tensor>(x: X | null): X | null => (x === null ? null : tf.relu(x));
const pool = (x: T | null, k: number, s: number, pad: "same" | "valid"): T | null =>
  (x === null ? null : tf.maxPool(x, k, s, pad));

/** K-BranchCNN.py: conv_block / fully_connected_block = layer → tf.layers.batch_normalization (eps 1e-3) → ReLU. */
export function kbranchRef(n: RefNet, inputs: [T, T, T] | null): tf.Tensor2D | null {
  const convBlock = (x: T | null, scope: string, k: number, cin: number, cout: number): T | null =>
    relu(n.bn(n.conv(x, `${scope}/conv_layer`, k, cin, cout, { pad: "same", bias: true, slim: false }),
      `${scope}/batch_norm`, cout, 1e-3));
  const fcBlock = (x: tf.Tensor2D | null, scope: string, cin: number): tf.Tensor2D | null =>
    relu(n.bn(n.dense(x, `${scope}/fc_layer`, cin, 128), `${scope}/batch_norm`, 128, 1e-3));
  const flat = (x: T | null): tf.Tensor2D | null => (x === null ? null : tf.reshape(x, [x.shape[0], -1]));
  const [x10, x20, x60] = inputs ?? [null, null, null];
  let a = convBlock(x10, "CNN_10m_branch/conv_block_0", 5, 4, 32);
  a = convBlock(pool(a, 2, 2, "valid"), "CNN_10m_branch/conv_block_1", 5, 32, 32);
  a = convBlock(pool(a, 2, 2, "valid"), "CNN_10m_branch/conv_block_2", 3, 32, 64);
  const fa = fcBlock(flat(a), "CNN_10m_branch/fc_block_0", 30 * 30 * 64);
  let b = convBlock(x20, "CNN_20m_branch/conv_block_0", 3, 6, 32);
  b = convBlock(pool(b, 2, 2, "valid"), "CNN_20m_branch/conv_block_1", 3, 32, 32);
  b = convBlock(b, "CNN_20m_branch/conv_block_2", 3, 32, 64);
  const fb = fcBlock(flat(b), "CNN_20m_branch/fc_block_0", 30 * 30 * 64);
  let c = convBlock(x60, "CNN_60m_branch/conv_block_0", 2, 2, 32);
  c = convBlock(c, "CNN_60m_branch/conv_block_1", 2, 32, 32);
  c = convBlock(c, "CNN_60m_branch/conv_block_2", 2, 32, 32);
  const fcc = fcBlock(flat(c), "CNN_60m_branch/fc_block_0", 20 * 20 * 32);
  const merged = fa === null || fb === null || fcc === null ? null : tf.concat([fa, fb, fcc], -1);
  const fused = fcBlock(merged, "feature_fusion/fc_block_0", 384);
  return n.dense(fused, "classification/fc_layer", 128, 19);
}

const VGG = { vgg_16: [2, 2, 3, 3, 3], vgg_19: [2, 2, 4, 4, 4] } as const;

/** Slim vgg_16/vgg_19 with fc_conv_padding='SAME', global_pool=True, 19 classes (the reference's VGG16.py/VGG19.py). */
export function vggRef(n: RefNet, scope: keyof typeof VGG, x: T | null): tf.Tensor2D | null {
  const slim = { pad: "same" as const, bias: true, slim: true };
  let y = x;
  let cin = 10;
  VGG[scope].forEach((convs, b) => {
    const cout = [64, 128, 256, 512, 512][b] as number;
    for (let i = 1; i <= convs; i++) {
      y = relu(n.conv(y, `${scope}/conv${b + 1}/conv${b + 1}_${i}`, 3, cin, cout, slim));
      cin = cout;
    }
    y = pool(y, 2, 2, "valid"); // slim.max_pool2d's default padding
  });
  y = relu(n.conv(y, `${scope}/fc6`, 7, 512, 4096, slim));
  y = relu(n.conv(y, `${scope}/fc7`, 1, 4096, 4096, slim));
  y = y === null ? null : tf.mean<tf.Tensor4D>(y, [1, 2], true);
  const logits = n.conv(y, `${scope}/fc8`, 1, 4096, 19, slim);
  return logits === null ? null : tf.squeeze<tf.Tensor2D>(logits, [1, 2]);
}

const RESNET = { resnet_v1_50: [3, 4, 6, 3], resnet_v1_101: [3, 4, 23, 3], resnet_v1_152: [3, 8, 36, 3] } as const;

/** Slim resnet_v1_N(num_classes=19, global_pool=True) under resnet_arg_scope (BN decay 0.997, eps 1e-5, scale). */
export function resnetRef(n: RefNet, scope: keyof typeof RESNET, x: T | null): tf.Tensor2D | null {
  const eps = 1e-5;
  /** resnet_utils.conv2d_same: explicit symmetric padding then VALID when strided; no bias, batch norm after. */
  const convBn = (y: T | null, s: string, k: number, cin: number, cout: number, stride: number, act: boolean):
    T | null => {
    let inp = y;
    if (stride > 1 && k > 1 && inp !== null) {
      const beg = Math.floor((k - 1) / 2);
      inp = tf.pad(inp, [[0, 0], [beg, k - 1 - beg], [beg, k - 1 - beg], [0, 0]]);
    }
    const pad = stride > 1 && k > 1 ? "valid" : "same";
    const z = n.bn(n.conv(inp, s, k, cin, cout, { stride, pad, bias: false, slim: true }), `${s}/BatchNorm`, cout, eps);
    return act ? relu(z) : z;
  };
  let y = convBn(x, `${scope}/conv1`, 7, 10, 64, 2, true);
  y = pool(y, 3, 2, "same");
  let din = 64;
  RESNET[scope].forEach((units, b) => {
    const base = [64, 128, 256, 512][b] as number;
    const depth = base * 4;
    for (let u = 1; u <= units; u++) {
      const stride = u === units && b < 3 ? 2 : 1;
      const s = `${scope}/block${b + 1}/unit_${u}/bottleneck_v1`;
      const shortcut = depth === din
        ? (stride === 1 ? y : pool(y, 1, stride, "same"))
        : convBn(y, `${s}/shortcut`, 1, din, depth, stride, false);
      let r = convBn(y, `${s}/conv1`, 1, din, base, 1, true);
      r = convBn(r, `${s}/conv2`, 3, base, base, stride, true);
      r = convBn(r, `${s}/conv3`, 1, base, depth, 1, false);
      y = shortcut === null || r === null ? null : tf.relu(tf.add<tf.Tensor4D>(shortcut, r));
      din = depth;
    }
  });
  y = y === null ? null : tf.mean<tf.Tensor4D>(y, [1, 2], true);
  const logits = n.conv(y, `${scope}/logits`, 1, 2048, 19, { pad: "same", bias: true, slim: true });
  return logits === null ? null : tf.squeeze<tf.Tensor2D>(logits, [1, 2]);
}

export type RefModel = "kbranch" | "vgg16" | "vgg19" | "resnet50" | "resnet101" | "resnet152";

/** The logits of the reference network `m` on `inputs` (declare-only when null). */
export function referenceLogits(m: RefModel, n: RefNet, inputs: T[] | null): tf.Tensor2D | null {
  const x = inputs?.[0] ?? null;
  switch (m) {
    case "kbranch": return kbranchRef(n, inputs as [T, T, T] | null);
    case "vgg16": return vggRef(n, "vgg_16", x);
    case "vgg19": return vggRef(n, "vgg_19", x);
    case "resnet50": return resnetRef(n, "resnet_v1_50", x);
    case "resnet101": return resnetRef(n, "resnet_v1_101", x);
    case "resnet152": return resnetRef(n, "resnet_v1_152", x);
  }
}
