// The reference's loss: the mean over batch and classes of the sigmoid cross-entropy on logits
// (tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits)); tfjs computes it in the stable form
// max(x, 0) − x·z + log(1 + e^−|x|).
import type { Scalar, Tensor } from "@tensorflow/tfjs-core";
import { tf } from "../runtime/tf.js";

export function meanSigmoidCrossEntropy(labels: Tensor, logits: Tensor): Scalar {
  return tf.losses.sigmoidCrossEntropy(labels, logits, undefined, 0, tf.Reduction.MEAN) as Scalar;
}
