// The gradient of FusedBatchNorm without the full-size Tile that tfjs-core's version builds for dx (it tiles
// 1/√(var+ε) to the whole activation shape before multiplying, which dominated K-BranchCNN's training step on
// wasm). Same maths, broadcasting instead, and each full-size product is reduced once:
//   dx = dy·s·r,  dmean = −r·s·Σdy,  dvar = −½·r³·s·Σ(dy·(x−m)),  dscale = r·Σ(dy·(x−m)),  doffset = Σdy
// with r = 1/√(var+ε), s = scale, sums over every axis but the channel axis (for per-channel statistics).
import type { GradConfig, NamedAttrMap, Tensor } from "@tensorflow/tfjs-core";
import { tf } from "../tf.js";

export const fusedBatchNormGradConfig: GradConfig = {
  kernelName: "FusedBatchNorm",
  inputsToSave: ["x", "mean", "variance", "scale"],
  gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
    const g = dy as Tensor;
    const [x, mean, variance, scale] = saved as [Tensor, Tensor, Tensor, Tensor | undefined];
    const eps = attrs["varianceEpsilon"] as number;
    const s = scale ?? tf.scalar(1);
    const axes = tf.backend_util.getReductionAxes(mean.shape, x.shape);
    const reduce = (t: Tensor): Tensor => tf.reshape(axes.length > 0 ? tf.sum(t, axes) : t, mean.shape);
    const r = tf.rsqrt(tf.add(variance, tf.scalar(eps)));
    const centred = tf.sub(x, mean);
    // Σdy and Σdy·(x−m) are each needed by two gradients: compute them once, here ([C]-sized, freed with the
    // backprop scope). The closures return fresh tensors, since the engine disposes each returned gradient.
    const dySum = reduce(g);
    const dyCentredSum = reduce(tf.mul(g, centred));
    return {
      x: () => tf.reshape(tf.mul(g, tf.mul(r, s)), x.shape),
      mean: () => tf.mul(tf.neg(tf.mul(r, s)), dySum),
      variance: () => tf.mul(tf.mul(tf.mul(tf.pow(r, tf.scalar(3)), s), tf.scalar(-0.5)), dyCentredSum),
      scale: () => tf.mul(r, dyCentredSum),
      offset: () => tf.clone(dySum),
    };
  },
};
