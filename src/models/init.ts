// Seeded weight initialisers: the same model seed gives the same initial weights, layer by layer, so training
// runs are reproducible. Each call hands out the next seed of a simple counter.
import { tfl } from "../runtime/tf.js";

type Initializer = ReturnType<typeof tfl.initializers.glorotUniform>;

export interface Seeds {
  /** Glorot (Xavier) uniform: TF-Slim's and Keras's default for conv and dense weights. */
  glorot(): Initializer;
  /** He truncated normal (fan-in, scale 2): TF-Slim ResNet's variance_scaling_initializer. */
  he(): Initializer;
  /** A plain seed, e.g. for dropout masks. */
  next(): number;
}

export function seeds(base: number): Seeds {
  let n = 0;
  const next = (): number => (base * 1000 + ++n) >>> 0;
  return {
    glorot: () => tfl.initializers.glorotUniform({ seed: next() }),
    he: () => tfl.initializers.varianceScaling({
      scale: 2, mode: "fanIn", distribution: "truncatedNormal", seed: next(),
    }),
    next,
  };
}
