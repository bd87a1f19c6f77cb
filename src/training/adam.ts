// Adam as TF1 and tfjs-core's AdamOptimizer compute it, bit for bit, updating one variable at a time (tfjs keeps
// every variable's temporaries alive until all are done), with its moments either on the backend or in JavaScript
// memory. Why both: on the backend the update runs in SIMD, ~4× faster than JavaScript (45 vs 190 ms a K-BranchCNN
// step as the backend's ops); but the wasm backend's heap stops at 4 GB, and VGG16/19's moments alone are 1.1 GB,
// next to as much again of weights and gradients plus the activations. So moments larger than HOST_MOMENTS_BYTES
// stay in JavaScript memory, and each gradient is copied out and freed as soon as its variable is updated.
// On the wasm backend, the backend's ~11 elementwise ops per variable are one pass of ben19's own SIMD kernel
// (runtime/simd/adam-in-place.ts), in place; the ops remain for the other backends.
//
// Same bits as tfjs either way: every operation is float32 and in tfjs's order (m and v first, bias-corrected by
// 1 − βᵗ, then w + (−lr)·m̂/(√v̂ + ε)). JavaScript computes in float64; each +, −, ×, ÷ and √ rounded with
// Math.fround is the correctly rounded float32 result (float64 carries more than 2·24 + 2 bits), as the backends'.
import { invalidateFolded } from "../models/fold-bn.js";
import { adamInPlace } from "../runtime/simd/adam-in-place.js";
import { tf } from "../runtime/tf.js";
import { writeInPlace } from "../runtime/wasm-heap.js";

const f32 = Math.fround;

/** Moments (8 bytes per weight) larger than this are kept in JavaScript memory: VGG16/19's, not the others'. */
export const HOST_MOMENTS_BYTES = 2 ** 30;

export interface AdamOptions {
  /** Where the moments live: default by size (HOST_MOMENTS_BYTES). Tests force either. */
  hostMoments?: boolean;
  /** On the wasm backend, update with ben19's fused SIMD kernel (default true; the same bits). Tests turn it off
   * to compare with the backend's ops. */
  fused?: boolean;
}

/** Both moments of one variable: Float32Arrays in JavaScript memory, or backend tensors. */
type Moments = { m: Float32Array; v: Float32Array } | { m: tf.Variable; v: tf.Variable };

/** A named float32 array of the optimizer's state (for checkpoints). */
export interface StateArray {
  name: string;
  values: Float32Array;
}

export class Adam {
  readonly learningRate: number;
  private readonly beta1 = f32(0.9);
  private readonly beta2 = f32(0.999);
  // tfjs turns the JavaScript scalars 1 − β and ε into float32 tensors: the same roundings here.
  private readonly oneMinusBeta1 = f32(1 - 0.9);
  private readonly oneMinusBeta2 = f32(1 - 0.999);
  private readonly epsilon = f32(1e-8);
  private readonly negLr: number;
  /** β₁ᵗ and β₂ᵗ as running float32 products (as tfjs keeps them; pow() would differ in the last bit). */
  private accBeta1: number;
  private accBeta2: number;
  private steps = 0;
  private moments: Moments[] = [];
  private host: boolean | undefined;
  private readonly fused: boolean;

  constructor(learningRate: number, options: AdamOptions = {}) {
    this.learningRate = learningRate;
    this.host = options.hostMoments;
    this.fused = options.fused ?? true;
    this.negLr = f32(-learningRate);
    this.accBeta1 = this.beta1;
    this.accBeta2 = this.beta2;
  }

  /**
   * One step on the gradients of `loss` with respect to `variables`; returns the loss (the caller disposes it).
   * `onGradients` is called between the gradients and the updates (for `train --profile`).
   */
  minimize(loss: () => tf.Scalar, variables: tf.Variable[], onGradients?: () => void): tf.Scalar {
    this.host ??= 8 * variables.reduce((n, v) => n + v.size, 0) > HOST_MOMENTS_BYTES;
    const { value, grads } = tf.variableGrads(loss, variables);
    onGradients?.();
    const gradients = variables.map((v) => grads[v.name] as tf.Tensor);
    try {
      variables.forEach((v, i) => {
        this.update(i, v, gradients[i] as tf.Tensor);
        // Freed as soon as used: the backend then has room for the next variable's new weights.
        (gradients[i] as tf.Tensor).dispose();
      });
    } finally {
      tf.dispose(gradients);
      // The fused and host updates keep the weights' data ids, which key the folded inference weights.
      invalidateFolded();
    }
    this.accBeta1 = f32(this.accBeta1 * this.beta1);
    this.accBeta2 = f32(this.accBeta2 * this.beta2);
    this.steps++;
    return value;
  }

  private update(i: number, variable: tf.Variable, gradient: tf.Tensor): void {
    const correction1 = f32(1 - this.accBeta1);
    const correction2 = f32(1 - this.accBeta2);
    let moments = this.moments[i] ?? { m: new Float32Array(variable.size), v: new Float32Array(variable.size) };
    // Restored or new moments arrive as arrays: onto the backend, in the variable's shape, unless kept on the host.
    if (this.host !== true && moments.m instanceof Float32Array) {
      const { m, v } = moments as { m: Float32Array; v: Float32Array };
      moments = tf.tidy(() => ({
        m: tf.variable(tf.tensor(m, variable.shape), false), v: tf.variable(tf.tensor(v, variable.shape), false),
      }));
    }
    this.moments[i] = moments;
    if (moments.m instanceof Float32Array) {
      this.updateOnHost(variable, gradient, moments.m, moments.v as Float32Array, correction1, correction2);
    }
    else this.updateOnBackend(variable, gradient, moments.m, moments.v as tf.Variable, correction1, correction2);
  }

  /** tfjs's AdamOptimizer.applyGradients for one variable (its scalars are these float32 values). */
  private updateOnBackend(
    variable: tf.Variable, g: tf.Tensor, m: tf.Variable, v: tf.Variable, correction1: number, correction2: number,
  ): void {
    const { beta1, beta2, oneMinusBeta1, oneMinusBeta2, epsilon, negLr } = this;
    const scalars = { beta1, beta2, oneMinusBeta1, oneMinusBeta2, c1: correction1, c2: correction2, epsilon, negLr };
    if (this.fused && adamInPlace(variable, m, v, g, scalars)) return;
    tf.tidy(() => {
      const newM = tf.add(tf.mul(m, this.beta1), tf.mul(g, this.oneMinusBeta1));
      const newV = tf.add(tf.mul(v, this.beta2), tf.mul(tf.square(g), this.oneMinusBeta2));
      const mHat = tf.div(newM, correction1);
      const vHat = tf.div(newV, correction2);
      m.assign(newM);
      v.assign(newV);
      variable.assign(tf.add(tf.mul(tf.div(mHat, tf.add(tf.sqrt(vHat), this.epsilon)), this.negLr), variable));
    });
  }

  /** The same operations on float32 values in JavaScript memory. */
  private updateOnHost(
    variable: tf.Variable, gradient: tf.Tensor, m: Float32Array, v: Float32Array,
    correction1: number, correction2: number,
  ): void {
    const g = gradient.dataSync() as Float32Array;
    // In place where the backend allows it: no second copy of the weights on its heap.
    const target = writeInPlace(variable);
    const w = target?.values ?? Float32Array.from(variable.dataSync() as Float32Array);
    const { beta1, beta2, oneMinusBeta1, oneMinusBeta2, epsilon, negLr } = this;
    for (let k = 0; k < w.length; k++) {
      const gk = g[k] as number;
      const mk = f32(f32((m[k] as number) * beta1) + f32(gk * oneMinusBeta1));
      const vk = f32(f32((v[k] as number) * beta2) + f32(f32(gk * gk) * oneMinusBeta2));
      m[k] = mk;
      v[k] = vk;
      const step = f32(f32(mk / correction1) / f32(f32(Math.sqrt(f32(vk / correction2))) + epsilon));
      w[k] = f32(f32(step * negLr) + (w[k] as number));
    }
    if (target !== undefined) target.done();
    else tf.tidy(() => variable.assign(tf.tensor(w, variable.shape)));
  }

  /** Step count, β-products and every moment, for a checkpoint; restore() takes the same list back. */
  state(): StateArray[] {
    return [
      { name: "iter", values: Float32Array.of(this.steps) },
      { name: "accBeta1", values: Float32Array.of(this.accBeta1) },
      { name: "accBeta2", values: Float32Array.of(this.accBeta2) },
      ...this.moments.flatMap(({ m, v }, i) => [
        { name: `m/${i}`, values: values(m) }, { name: `v/${i}`, values: values(v) },
      ]),
    ];
  }

  restore(state: readonly StateArray[]): void {
    const byName = new Map(state.map((s) => [s.name, s.values]));
    const get = (name: string): Float32Array => {
      const values = byName.get(name);
      if (values === undefined) throw new Error(`Adam state has no ${name}`);
      return values;
    };
    this.steps = get("iter")[0] as number;
    this.accBeta1 = get("accBeta1")[0] as number;
    this.accBeta2 = get("accBeta2")[0] as number;
    this.dispose();
    const count = [...byName.keys()].filter((name) => /^m\/\d+$/.test(name)).length;
    this.moments = Array.from({ length: count }, (_, i) => ({ m: get(`m/${i}`), v: get(`v/${i}`) }));
  }

  /** Frees moments held on the backend. */
  dispose(): void {
    for (const { m, v } of this.moments) if (!(m instanceof Float32Array)) tf.dispose([m, v as tf.Variable]);
    this.moments = [];
  }
}

/** The values of a moment, wherever it lives. */
function values(x: Float32Array | tf.Variable): Float32Array {
  return x instanceof Float32Array ? x : (x.dataSync() as Float32Array);
}

/** Adam with TF1's defaults as the reference uses them: β₁ 0.9, β₂ 0.999, ε 1e-8. */
export function adam(learningRate: number, options: AdamOptions = {}): Adam {
  return new Adam(learningRate, options);
}
