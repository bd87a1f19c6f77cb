// Dropout whose masks depend only on (layer seed, training step), so a run resumed from a checkpoint draws the
// same masks as an uninterrupted one. tfjs's own Dropout either reuses one mask forever (with a seed) or is not
// reproducible (without one). The trainer advances the step with setDropoutStep() before each batch.
import type { Tensor } from "@tensorflow/tfjs-core";
import { seededDropout } from "../runtime/kernels/dropout.js";
import { tf, tfl } from "../runtime/tf.js";

let currentStep = 0;

/** Sets the training step that seeds every SeededDropout mask from now on. */
export function setDropoutStep(step: number): void {
  currentStep = step;
}

/** Mixes a layer seed and a step into one 32-bit seed (a splitmix32-style avalanche). */
function mix(seed: number, step: number): number {
  let h = (Math.imul(seed, 0x9e3779b1) ^ step) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

interface SeededDropoutArgs {
  rate: number;
  seed: number;
  name?: string;
}

export class SeededDropout extends tfl.layers.Layer {
  static className = "Ben19SeededDropout";
  readonly rate: number;
  readonly seed: number;

  constructor(args: SeededDropoutArgs) {
    super(args);
    this.rate = args.rate;
    this.seed = args.seed;
    this.supportsMasking = true;
  }

  override call(inputs: Tensor | Tensor[], kwargs: Record<string, unknown>): Tensor {
    const x = Array.isArray(inputs) ? (inputs[0] as Tensor) : inputs;
    if (kwargs["training"] !== true || this.rate === 0) return x;
    return seededDropout(x, this.rate, mix(this.seed, currentStep));
  }

  override getConfig(): Record<string, number | string | boolean | null> {
    const base = super.getConfig() as Record<string, number | string | boolean | null>;
    return { ...base, rate: this.rate, seed: this.seed };
  }
}
tf.serialization.registerClass(SeededDropout);
