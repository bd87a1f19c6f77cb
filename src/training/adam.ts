// Adam exactly as tfjs-core's AdamOptimizer computes it (same operations in the same order, so the same bits),
// except that each variable is updated inside its own tidy. tfjs's version keeps every variable's temporaries
// (new moments, bias corrections, the update) alive until all variables are done, which for VGG's 103-million-
// weight fc6 alone is ~2.5 GB: more than the wasm backend's 4 GB heap has left after the backward pass.
import type { NamedTensorMap, Tensor, Variable } from "@tensorflow/tfjs-core";
import { tf } from "../models/tf.js";

interface NamedTensor {
  name: string;
  tensor: Tensor;
}

interface Moment {
  originalName: string;
  variable: Variable;
}

/** The fields of tfjs's AdamOptimizer this subclass updates (declared private there). */
interface AdamState {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  accBeta1: Variable;
  accBeta2: Variable;
  accumulatedFirstMoment: (Moment | undefined)[];
  accumulatedSecondMoment: (Moment | undefined)[];
  incrementIterations(): void;
}

export class Ben19Adam extends tf.AdamOptimizer {
  override applyGradients(variableGradients: NamedTensorMap | NamedTensor[]): void {
    const self = this as unknown as AdamState;
    const names = Array.isArray(variableGradients) ? variableGradients.map((v) => v.name) : Object.keys(variableGradients);
    const [oneMinusAccBeta1, oneMinusAccBeta2] = tf.tidy(() => [tf.sub(1, self.accBeta1), tf.sub(1, self.accBeta2)]) as [Tensor, Tensor];
    names.forEach((name, i) => {
      const value = tf.engine().registeredVariables[name] as Variable;
      self.accumulatedFirstMoment[i] ??= { originalName: `${name}/m`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
      self.accumulatedSecondMoment[i] ??= { originalName: `${name}/v`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
      const gradient = Array.isArray(variableGradients) ? variableGradients[i]?.tensor : variableGradients[name];
      if (gradient == null) return;
      tf.tidy(() => {
        const first = (self.accumulatedFirstMoment[i] as Moment).variable;
        const second = (self.accumulatedSecondMoment[i] as Moment).variable;
        const newFirst = tf.add(tf.mul(first, self.beta1), tf.mul(gradient, 1 - self.beta1));
        const newSecond = tf.add(tf.mul(second, self.beta2), tf.mul(tf.square(gradient), 1 - self.beta2));
        const firstHat = tf.div(newFirst, oneMinusAccBeta1);
        const secondHat = tf.div(newSecond, oneMinusAccBeta2);
        first.assign(newFirst);
        second.assign(newSecond);
        value.assign(tf.add(tf.mul(tf.div(firstHat, tf.add(tf.sqrt(secondHat), self.epsilon)), -self.learningRate), value));
      });
    });
    tf.dispose([oneMinusAccBeta1, oneMinusAccBeta2]);
    tf.tidy(() => {
      self.accBeta1.assign(tf.mul(self.accBeta1, self.beta1));
      self.accBeta2.assign(tf.mul(self.accBeta2, self.beta2));
    });
    self.incrementIterations();
  }
}

/** Adam with TF1's defaults as the reference uses them: β₁ 0.9, β₂ 0.999, ε 1e-8. */
export function adam(learningRate: number): Ben19Adam {
  return new Ben19Adam(learningRate, 0.9, 0.999, 1e-8);
}
