// The network's input tensors, made from the contract's input specs (contract/layouts.ts): names and shapes come
// from the layout, so a builder restates neither.
import type { SymbolicTensor } from "@tensorflow/tfjs-layers";
import type { InputSpec } from "../contract/layouts.js";
import { tfl } from "../runtime/tf.js";

/** One tfjs input per spec, in order; `count` is how many the network is built for. */
export function modelInputs(specs: readonly InputSpec[], count: number, network: string): SymbolicTensor[] {
  if (specs.length !== count) throw new Error(`${network} takes ${count} input(s), the layout gives ${specs.length}`);
  return specs.map((s) => tfl.input({ shape: [...s.shape], name: s.name }));
}
