// K-BranchCNN (the reference's K-BranchCNN.py): one branch per resolution group of the kbranch input layout,
// each ending in a 128-unit dense block, fused by a 128-unit dense block and a sigmoid output. A "block" is
// conv or dense → batch norm (momentum 0.99, epsilon 1e-3) → ReLU; convolutions are `same`, stride 1, Glorot.
import type { SymbolicTensor } from "@tensorflow/tfjs-layers";
import type { InputSpec } from "../contract/layouts.js";
import { SeededDropout } from "./dropout.js";
import { head } from "./head.js";
import { seeds, type Seeds } from "./init.js";
import { modelInputs } from "./inputs.js";
import { tfl } from "../runtime/tf.js";

type Op = (x: SymbolicTensor) => SymbolicTensor;

function bnRelu(name: string): Op {
  return (x) => {
    const bn = tfl.layers.batchNormalization({ momentum: 0.99, epsilon: 1e-3, name: `${name}_bn` }).apply(x);
    return tfl.layers.activation({ activation: "relu", name: `${name}_relu` }).apply(bn) as SymbolicTensor;
  };
}

function build(s: Seeds, prefix: string) {
  const conv = (filters: number, size: number, name: string): Op => (x) =>
    bnRelu(`${prefix}_${name}`)(tfl.layers.conv2d({
      filters, kernelSize: size, padding: "same", kernelInitializer: s.glorot(), name: `${prefix}_${name}`,
    }).apply(x) as SymbolicTensor);
  const dense = (units: number, name: string): Op => (x) =>
    bnRelu(`${prefix}_${name}`)(
      tfl.layers.dense({ units, kernelInitializer: s.glorot(), name: `${prefix}_${name}` }).apply(x) as SymbolicTensor,
    );
  const pool = (name: string): Op => (x) =>
    tfl.layers.maxPooling2d({ poolSize: 2, name: `${prefix}_${name}` }).apply(x) as SymbolicTensor;
  const drop = (rate: number, name: string): Op => (x) =>
    new SeededDropout({ rate, seed: s.next(), name: `${prefix}_${name}` }).apply(x) as SymbolicTensor;
  const flatten: Op = (x) => tfl.layers.flatten({ name: `${prefix}_flatten` }).apply(x) as SymbolicTensor;
  return { conv, dense, pool, drop, flatten };
}

const chain = (x: SymbolicTensor, ops: Op[]): SymbolicTensor => ops.reduce((t, op) => op(t), x);

/** K-BranchCNN on the kbranch layout's three inputs: 10 m, 20 m and 60 m bands at their own resolution. */
export function kbranch(seed: number, inputs: readonly InputSpec[]): tfl.LayersModel {
  const s = seeds(seed);
  const [in10, in20, in60] = modelInputs(inputs, 3, "kbranch") as [SymbolicTensor, SymbolicTensor, SymbolicTensor];
  const a = build(s, "b10");
  const b10 = chain(in10, [
    a.conv(32, 5, "conv1"), a.pool("pool1"), a.drop(0.25, "drop1"),
    a.conv(32, 5, "conv2"), a.pool("pool2"), a.drop(0.25, "drop2"),
    a.conv(64, 3, "conv3"), a.drop(0.25, "drop3"),
    a.flatten, a.dense(128, "fc"), a.drop(0.5, "drop4"),
  ]);
  const b = build(s, "b20");
  const b20 = chain(in20, [
    b.conv(32, 3, "conv1"), b.pool("pool1"), b.drop(0.25, "drop1"),
    b.conv(32, 3, "conv2"), b.drop(0.25, "drop2"),
    b.conv(64, 3, "conv3"), b.drop(0.25, "drop3"),
    b.flatten, b.dense(128, "fc"), b.drop(0.5, "drop4"),
  ]);
  const c = build(s, "b60");
  const b60 = chain(in60, [
    c.conv(32, 2, "conv1"), c.drop(0.25, "drop1"),
    c.conv(32, 2, "conv2"), c.drop(0.25, "drop2"),
    c.conv(32, 2, "conv3"), c.drop(0.25, "drop3"),
    c.flatten, c.dense(128, "fc"), c.drop(0.5, "drop4"),
  ]);
  const f = build(s, "fusion");
  const merged = tfl.layers.concatenate({ name: "fusion_concat" }).apply([b10, b20, b60]) as SymbolicTensor;
  const fused = chain(merged, [f.dense(128, "fc"), f.drop(0.25, "drop1"), f.drop(0.5, "drop2")]);
  const out = head(fused, s.glorot(), "logits");
  return tfl.model({ inputs: [in10, in20, in60], outputs: out, name: "kbranch" });
}
