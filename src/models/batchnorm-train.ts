// Batch norm in training as one custom-gradient op (issue #21). tfjs-layers' BatchNormalization normalises with
// tf.moments + tf.batchNorm, and autodiff then differentiates the moments too: the mean's and the variance's
// gradients are each several full-size elementwise passes (broadcast, subtract, multiply, divide) on top of the
// FusedBatchNorm gradient. With the batch statistics' dependence on x folded in, the gradient has a closed form,
// per channel over the N·H·W values (x̂ = (x − μ)/σ, σ = √(var + ε)):
//   dx = γ/σ · (dy − mean(dy) − x̂·mean(dy·x̂)),  dγ = Σ dy·x̂,  dβ = Σ dy
// computed on wasm in two passes of ben19's SIMD module (runtime/kernels/batchnorm-train-grad.ts), elsewhere as x̂
// (one FusedBatchNorm pass), dy·x̂, two per-channel sums, and dx = dy·γ/σ + (x̂·(−k) − m) with the last term a
// second FusedBatchNorm pass on x (it is an affine map of x per channel).
// The forward pass is the layer's own ops (tf.moments, then tf.batchNorm), so outputs and the moving mean and
// variance (updated as tfjs-layers does, moving − (moving − batch)·(1 − momentum), with the batch variance of
// tf.moments, i.e. divided by N) are bit-identical to tfjs-layers'. Only the gradients' rounding differs.
// Installed on tfjs-layers' BatchNormalization class when this module loads, so it serves every model, built or
// loaded, without changing what is saved.
import { batchNormGradFused, gradTerms } from "../runtime/kernels/batchnorm-train-grad.js";
import { tf, tfl } from "../runtime/tf.js";

interface LayerWeight {
  read(): tf.Tensor;
  write(t: tf.Tensor): void;
}

/** The parts of tfjs-layers' BatchNormalization that training reads. */
interface BatchNormLayer {
  axis: number;
  momentum: number;
  epsilon: number;
  gamma: LayerWeight | null;
  beta: LayerWeight | null;
  movingMean: LayerWeight;
  movingVariance: LayerWeight;
  call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[];
}

let enabled = true;

/** Turns the closed-form training batch norm on or off (tests compare it with tfjs-layers' own). */
export function useClosedFormBatchNorm(on: boolean): void {
  enabled = on;
}

/** Batch-normalises x [..., C] over every axis but the last in training; returns y and the batch statistics
 * (the caller disposes them). */
export function batchNormTraining(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, epsilon: number):
{ y: tf.Tensor; mean: tf.Tensor; variance: tf.Tensor } {
  const axes = Array.from({ length: x.rank - 1 }, (_, i) => i);
  const count = x.size / (x.shape[x.rank - 1] as number);
  let stats: [tf.Tensor, tf.Tensor] | undefined;
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, g, b, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const { mean, variance } = tf.moments(input, axes);
    // Kept past customGrad's own tidy: the moving averages need them.
    stats = [tf.keep(mean), tf.keep(variance)];
    save([input, mean, variance, g]);
    return {
      value: tf.batchNorm(input, mean, variance, b, g, epsilon),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, mu, v, scale] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
        // Two passes of ben19's SIMD module on wasm; the same maths as tensor ops elsewhere.
        const fused = batchNormGradFused(xs, dy, mu, v, scale, epsilon);
        if (fused !== undefined) return fused;
        const xHat = tf.batchNorm(xs, mu, v, undefined, undefined, epsilon);
        const dBeta = tf.sum(dy, axes);
        const dGamma = tf.sum(tf.mul(dy, xHat), axes);
        const { a, k, m } = gradTerms(scale, tf.rsqrt(tf.add(v, tf.scalar(epsilon))), dGamma, dBeta, count);
        // x̂·(−k) − m as one FusedBatchNorm pass on x (offset −m, scale −k).
        const dx = tf.add(tf.mul(dy, a), tf.batchNorm(xs, mu, v, tf.neg(m), tf.neg(k), epsilon));
        return [dx, dGamma, dBeta];
      },
    };
  });
  const y = op(x, gamma, beta);
  const [mean, variance] = stats as [tf.Tensor, tf.Tensor];
  return { y, mean, variance };
}

/** tfjs-layers' moving-average update, op for op (same float32 roundings). */
function moveAverage(variable: LayerWeight, value: tf.Tensor, momentum: number): void {
  tf.tidy(() => {
    const decay = 1 - momentum;
    const orig = variable.read();
    variable.write(tf.sub(orig, tf.mul(tf.sub(orig, value), decay)));
  });
}

const proto = Object.getPrototypeOf(tfl.layers.batchNormalization({})) as BatchNormLayer;
const layersCall = proto.call;

proto.call = function (this: BatchNormLayer, inputs, kwargs) {
  const x = Array.isArray(inputs) ? inputs[0] as tf.Tensor : inputs;
  const lastAxis = this.axis === -1 || this.axis === x.rank - 1;
  if (!enabled || kwargs["training"] !== true || !lastAxis || this.gamma === null || this.beta === null ||
    (x.rank !== 2 && x.rank !== 4)) {
    return layersCall.call(this, inputs, kwargs);
  }
  const { gamma, beta } = this;
  return tf.tidy(() => {
    const { y, mean, variance } = batchNormTraining(x, gamma.read(), beta.read(), this.epsilon);
    moveAverage(this.movingMean, mean, this.momentum);
    moveAverage(this.movingVariance, variance, this.momentum);
    tf.dispose([mean, variance]);
    return y;
  });
};
