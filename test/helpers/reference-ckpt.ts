// Checkpoints as the reference would have saved them, with random values: every variable of the network under
// its TensorFlow name (reference-nets.ts), plus what a training checkpoint also holds (Adam slots, beta1_power,
// global_step), written by the test bundle writer.
import { f32, writeBundle, type WriterOptions, type WriterTensor } from "./bundle-writer.js";
import { referenceLogits, RefNet, type RefModel } from "./reference-nets.js";
import type { MaskedCrc } from "../../src/ckpt/table.js";

/** xorshift32 in [0, 1). */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 32;
  };
}

/** Values that keep activations in range: He-uniform kernels, small biases, batch-norm statistics near 1 and 0. */
function valuesFor(name: string, shape: number[], r: () => number): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  const leaf = name.slice(name.lastIndexOf("/") + 1);
  const fanIn = shape.length > 1 ? n / (shape.at(-1) as number) : 1;
  const [lo, hi] =
    leaf === "kernel" || leaf === "weights" ? [-Math.sqrt(6 / fanIn), Math.sqrt(6 / fanIn)]
      : leaf === "gamma" ? [0.3, 0.7]
        : leaf === "moving_variance" ? [0.5, 1.5]
          : [-0.1, 0.1];
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * r();
  return out;
}

export interface ReferenceCheckpoint {
  prefix: string;
  files: string[];
  values: Map<string, Float32Array>;
  /** Entries that are training state, not weights. */
  extras: string[];
}

/** The reference network's variables with their shapes. */
export function referenceVariables(model: RefModel): { name: string; shape: number[] }[] {
  const n = new RefNet();
  referenceLogits(model, n, null);
  return n.vars;
}

export function writeReferenceCheckpoint(
  model: RefModel, prefix: string, seed: number, crc: MaskedCrc, o: WriterOptions = {},
): ReferenceCheckpoint {
  const r = rng(seed);
  const values = new Map<string, Float32Array>();
  const tensors: WriterTensor[] = [];
  for (const v of referenceVariables(model)) {
    const data = valuesFor(v.name, v.shape, r);
    values.set(v.name, data);
    tensors.push(f32(v.name, v.shape, data));
  }
  // A training checkpoint's extras: Adam slots for the first variable, the power accumulators, the step counter.
  const first = tensors[0] as WriterTensor;
  const step = new Uint8Array(8);
  step.set([0x39, 0x30]); // 12345, int64 little-endian
  const extras: WriterTensor[] = [
    { ...first, name: `${first.name}/Adam` },
    { ...first, name: `${first.name}/Adam_1` },
    f32("beta1_power", [], Float32Array.of(0.9)),
    f32("beta2_power", [], Float32Array.of(0.999)),
    { name: "global_step", dtype: 9, shape: [], data: step },
  ];
  const files = writeBundle(prefix, [...tensors, ...extras], crc, o);
  return { prefix, files, values, extras: extras.map((e) => e.name) };
}
