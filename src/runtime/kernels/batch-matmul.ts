// BatchMatMul and _FusedMatMul for the wasm backend, as 1×1 convolutions on XNNPACK. The backend's matrix products
// run on one thread (its fully-connected operator is run without the thread pool) and re-pack B, the "weights", on
// every call with new B data: after each Adam update of a dense layer's weights (K-BranchCNN's 57,600×128) that
// packing alone took ~220 ms of CPU per forward pass. The same product as a 1×1 convolution of an M×1 image with
// K channels by a [1, 1, K, N] filter runs on every thread and packs B in ~90 ms (measured: 128 vs 273 ms of CPU
// per product after a weight update, 37 vs 42 ms with packed weights).
// Transposed operands: the backend's kernel is 5–6× slower when asked to transpose (dW = xᵀ·dy for a 57,600×128
// dense layer at batch 32 took 387 ms instead of 77 ms with an explicit transpose), and dense-layer gradients
// always ask. We transpose explicitly, choosing the cheaper of two equivalent forms:
//   C = op(A)·op(B)            transposing each flagged operand, or
//   C = (op(B)ᵀ·op(A)ᵀ)ᵀ       transposing each unflagged operand and the result,
// by the number of elements moved (e.g. dx = dy·Wᵀ moves dy and dx, not the large W).
// A large B in a training step's forward pass (a dense layer's weights, whose values are new after every Adam
// update, so the backend would pack them again each step) is not worth packing: C = (Bᵀ·Aᵀ)ᵀ makes Bᵀ the image
// and the small Aᵀ the filter, so only Aᵀ is packed (measured: 70 ms instead of 320 ms for 57,600×128 weights at
// batch 32, loaded machine; 21 ms once packed). Outside gradient recording (predict, eval, validation) products
// take the direct form, which packs B once for the batches after, and whose bits do not depend on the batch size.
// Batched products run one product per matrix (the backend's batched kernel is a scalar loop, and adds a bias
// wrongly to all but the first row).
import type { KernelBackend, KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from "@tensorflow/tfjs-core";
import { tf } from "../tf.js";
import { KernelScope } from "./scope.js";

interface Args {
  inputs: { a: TensorInfo; b: TensorInfo; bias?: TensorInfo; preluActivationWeights?: TensorInfo };
  backend: KernelBackend;
  attrs: NamedAttrMap & { transposeA: boolean; transposeB: boolean; activation?: string };
}

const size = (t: TensorInfo): number => t.shape.reduce((a, b) => a * b, 1);
const batchOf = (t: TensorInfo): number => t.shape.slice(0, -2).reduce((a, b) => a * b, 1);
const last = (t: TensorInfo, i: number): number => t.shape[t.shape.length - i] as number;

/** The permutation that swaps the last two axes. */
function swapLast(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  perm[rank - 1] = rank - 2;
  perm[rank - 2] = rank - 1;
  return perm;
}

/** Activations that FusedConv2D applies as a clamp; the others run as their own kernel after the product. */
const CONV_ACTIVATIONS = new Set(["linear", "relu", "relu6"]);

/** `activation` (one of tfjs's fusable ones beyond the clamps) applied to x. */
function activate(s: KernelScope, x: TensorInfo, activation: string, args: Args): TensorInfo {
  switch (activation) {
    case "elu": return s.run("Elu", { x });
    case "sigmoid": return s.run("Sigmoid", { x });
    case "leakyrelu": return s.run("LeakyRelu", { x }, { alpha: args.attrs["leakyreluAlpha"] });
    case "prelu": return s.run("Prelu", { x, alpha: args.inputs.preluActivationWeights as TensorInfo });
    default: throw new Error(`_FusedMatMul: unknown activation ${activation}`);
  }
}

/** a·b (plain, batch 1) as a 1×1 convolution, with `bias` and `activation` fused when given; shape [M, N]. */
function product1x1(
  s: KernelScope, a: TensorInfo, b: TensorInfo, bias?: TensorInfo, activation = "linear",
): TensorInfo {
  const [m, k, n] = [last(a, 2), last(a, 1), last(b, 1)];
  const image = s.run("Reshape", { x: a }, { shape: [1, m, 1, k] });
  const filter = s.run("Reshape", { x: b }, { shape: [1, 1, k, n] });
  const conv = { strides: [1, 1], pad: "valid", dataFormat: "NHWC", dilations: [1, 1] };
  const out = bias === undefined && activation === "linear"
    ? s.run("Conv2D", { x: image, filter }, conv)
    : s.run("FusedConv2D", { x: image, filter, ...(bias === undefined ? {} : { bias }) }, { ...conv, activation });
  return s.run("Reshape", { x: out }, { shape: [m, n] });
}

/** Below this many elements (256 KB) packing B costs too little to matter. */
const MIN_UNPACKED = 1 << 16;

/** Whether the plain product a·b (+ bias, linear or ReLU) should skip packing b: b is large, at least twice the
 * size of a (which the swapped form packs instead), and a gradient is being recorded (a training step). */
function skipPacking(args: Args, activation: string): boolean {
  const { inputs: { a, b }, attrs } = args;
  if (attrs.transposeA || attrs.transposeB || batchOf(a) !== 1 || batchOf(b) !== 1) return false;
  if (activation !== "linear" && activation !== "relu") return false;
  return size(b) >= MIN_UNPACKED && size(b) >= 2 * size(a) && tf.engine().state.gradientDepth > 0;
}

function matMul(backendName: string, original: KernelFunc) {
  return (args: Args): TensorInfo => {
    const { inputs: { a, b, bias }, backend, attrs } = args;
    const fusedActivation = attrs.activation ?? "linear";
    const activation = CONV_ACTIVATIONS.has(fusedActivation) ? fusedActivation : "linear";
    const { transposeA, transposeB } = attrs;
    const [m, n] = [last(a, transposeA ? 1 : 2), last(b, transposeB ? 2 : 1)];
    const [batchA, batchB] = [batchOf(a), batchOf(b)];
    const batch = Math.max(batchA, batchB);
    const outer = a.shape.length >= b.shape.length ? a.shape.slice(0, -2) : b.shape.slice(0, -2);
    const fusable = bias === undefined || (bias.shape.length === 1 && bias.shape[0] === n);
    // Outer dimensions are either one batch of the other's (or equal) shape or a single matrix; anything else
    // (general broadcasting, integer tensors) is the backend's.
    const simple = (batchA === batch || batchA === 1) && (batchB === batch || batchB === 1) &&
      outer.reduce((x, y) => x * y, 1) === batch;
    if (!simple || a.dtype !== "float32" || b.dtype !== "float32" || !fusable) {
      return original(args as unknown as Parameters<KernelFunc>[0]) as TensorInfo;
    }
    const s = new KernelScope(backend, backendName);
    const t = (x: TensorInfo): TensorInfo => s.run("Transpose", { x }, { perm: swapLast(x.shape.length) });
    if (skipPacking(args, fusedActivation)) {
      const am = s.run("Reshape", { x: a }, { shape: [m, last(a, 1)] });
      const bm = s.run("Reshape", { x: b }, { shape: [last(b, 2), n] });
      let c = t(product1x1(s, t(bm), t(am)));
      if (bias !== undefined) c = s.run("Add", { a: c, b: bias });
      if (fusedActivation === "relu") c = s.run("Relu", { x: c });
      return s.finish(s.run("Reshape", { x: c }, { shape: [...outer, m, n] }));
    }
    // One matrix of each: [rows, cols] views of batch i (or of the single matrix).
    const matrix = (x: TensorInfo, count: number, i: number): TensorInfo => {
      const [r, c] = [last(x, 2), last(x, 1)];
      const flat = s.run("Reshape", { x }, { shape: [count, r, c] });
      const one = count === 1 ? flat : s.run("Slice", { x: flat }, { begin: [i, 0, 0], size: [1, r, c] });
      return s.run("Reshape", { x: one }, { shape: [r, c] });
    };
    const products: TensorInfo[] = [];
    for (let i = 0; i < batch; i++) {
      const [ai, bi] = [matrix(a, batchA, i), matrix(b, batchB, i)];
      // A bias or activation applies to C itself: only the direct form can fuse them.
      const direct = (transposeA ? size(ai) : 0) + (transposeB ? size(bi) : 0);
      const swapped = (transposeA ? 0 : size(ai)) + (transposeB ? 0 : size(bi)) + m * n;
      products.push(direct <= swapped || bias !== undefined || activation !== "linear"
        ? product1x1(s, transposeA ? t(ai) : ai, transposeB ? t(bi) : bi, bias, activation)
        : t(product1x1(s, transposeB ? bi : t(bi), transposeA ? ai : t(ai))));
    }
    const joined = batch === 1 ? products[0] as TensorInfo : s.run("Pack", products, { axis: 0 });
    const shaped = s.run("Reshape", { x: joined }, { shape: [...outer, m, n] });
    return s.finish(fusedActivation === activation ? shaped : activate(s, shaped, fusedActivation, args));
  };
}

/** Ours in place of the backend's BatchMatMul or _FusedMatMul (`original`), whose setup still runs at init. */
export const batchMatMulConfig = (original: KernelConfig): KernelConfig => ({
  ...original,
  kernelFunc: matMul(original.backendName, original.kernelFunc) as unknown as KernelFunc,
});
