// Training checkpoints: every model weight (including batch-norm moving statistics), the optimizer's state
// (Adam's step count and moments) and where training stands, so `train --resume` continues exactly as an
// uninterrupted run would. One binary file of raw float32 values plus checkpoint.json describing it; the binary
// is written first and the JSON (which names it, with its sha256) replaces the previous one last, so a crash
// at any moment leaves the previous checkpoint intact.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { Optimizer, Tensor } from "@tensorflow/tfjs-core";

interface NamedTensor {
  name: string;
  tensor: Tensor;
}
import { Ben19Error } from "../core/errors.js";
import { tf, type tfl } from "../models/tf.js";
import { writeFileAtomic } from "../core/atomic.js";

export const CHECKPOINT_FILE = "checkpoint.json";
const FORMAT = "ben19-checkpoint";

/** Where training stands: `batch` batches of epoch `epoch` are done (0 at an epoch's start). */
export interface TrainState {
  epoch: number;
  batch: number;
  /** Optimizer steps taken since the start of training. */
  step: number;
}

interface TensorEntry {
  name: string;
  group: "model" | "optimizer" | "adam";
  shape: number[];
  offset: number;
}

interface CheckpointIndex {
  format: typeof FORMAT;
  state: TrainState;
  /** A fingerprint of the options that must not change on resume (model, data, seed, batch size…). */
  fingerprint: string;
  file: string;
  sha256: string;
  tensors: TensorEntry[];
}

/**
 * Adam keeps β₁ᵗ and β₂ᵗ as running float32 products; setWeights() recomputes them with pow(), which can differ
 * in the last bit. Saving and restoring the products themselves keeps a resumed run bit-identical.
 */
interface AdamProducts {
  accBeta1?: tf.Variable;
  accBeta2?: tf.Variable;
}
const ADAM_PRODUCTS = ["accBeta1", "accBeta2"] as const;

/** Writes a checkpoint of `model` and `optimizer` at `state` into `dir`. */
export async function saveCheckpoint(dir: string, model: tfl.LayersModel, optimizer: Optimizer, state: TrainState, fingerprint: string): Promise<void> {
  const named: (NamedTensor & { group: TensorEntry["group"] })[] = [
    ...model.weights.map((w) => ({ name: w.name, tensor: w.read(), group: "model" as const })),
    ...(await optimizer.getWeights()).map((w) => ({ ...w, group: "optimizer" as const })),
    ...ADAM_PRODUCTS.flatMap((k) => {
      const v = (optimizer as unknown as AdamProducts)[k];
      return v === undefined ? [] : [{ name: k, tensor: v as tf.Tensor, group: "adam" as const }];
    }),
  ];
  const arrays = await Promise.all(named.map(async (n) => (await n.tensor.data()) as Float32Array | Int32Array));
  const bytes = new Uint8Array(arrays.reduce((s, a) => s + a.byteLength, 0));
  const tensors: TensorEntry[] = [];
  let at = 0;
  named.forEach((n, i) => {
    const a = arrays[i] as Float32Array;
    // Adam's step counter is the one non-float tensor; store every value as float32 (the counter is exact).
    const f = a instanceof Float32Array ? a : Float32Array.from(a);
    bytes.set(new Uint8Array(f.buffer, f.byteOffset, f.byteLength), at);
    tensors.push({ name: n.name, group: n.group, shape: n.tensor.shape, offset: at });
    at += f.byteLength;
  });
  const file = `ckpt-${state.step}.bin`;
  writeFileAtomic(join(dir, file), bytes);
  const index: CheckpointIndex = { format: FORMAT, state, fingerprint, file, sha256: createHash("sha256").update(bytes).digest("hex"), tensors };
  writeFileAtomic(join(dir, CHECKPOINT_FILE), `${JSON.stringify(index)}\n`);
  for (const f of readdirSync(dir)) if (/^ckpt-\d+\.bin$/.test(f) && f !== file) rmSync(join(dir, f), { force: true });
}

function fail(dir: string, message: string, hint: string): never {
  throw new Ben19Error("E_CHECKPOINT", message, { file: join(dir, CHECKPOINT_FILE) }, hint);
}

export function hasCheckpoint(dir: string): boolean {
  return existsSync(join(dir, CHECKPOINT_FILE));
}

/**
 * Restores `model` and `optimizer` from the checkpoint in `dir` and returns its state. The fingerprint must
 * match: resuming with other options would not continue the same run.
 */
export async function loadCheckpoint(dir: string, model: tfl.LayersModel, optimizer: Optimizer, fingerprint: string): Promise<TrainState> {
  if (!hasCheckpoint(dir)) fail(dir, "no checkpoint to resume from", "run without --resume to start training, or pass the RUN folder of an earlier run");
  const index = JSON.parse(readFileSync(join(dir, CHECKPOINT_FILE), "utf8")) as CheckpointIndex;
  if (index.format !== FORMAT) fail(dir, `not a ben19 checkpoint (format ${JSON.stringify(index.format)})`, "pass the RUN folder `ben19 train` wrote");
  if (index.fingerprint !== fingerprint) {
    fail(dir, "the checkpoint was written with other training options (model, data, seed, batch size, learning rate…)",
      "resume with the options of the original run (RUN/config.json lists them), or start a new run in another --out folder");
  }
  const bin = readFileSync(join(dir, index.file));
  if (createHash("sha256").update(bin).digest("hex") !== index.sha256) fail(dir, `${index.file} does not match its sha256`, "the checkpoint is damaged: start again without --resume");
  const values = (e: TensorEntry): Float32Array => {
    const n = e.shape.reduce((a, b) => a * b, 1);
    return new Float32Array(bin.buffer.slice(bin.byteOffset + e.offset, bin.byteOffset + e.offset + n * 4));
  };
  const modelEntries = index.tensors.filter((t) => t.group === "model");
  // Weights are matched by position and shape: tfjs makes variable names unique per process (a model built twice
  // gets suffixed names), so names are informative only.
  const same = (e: TensorEntry, i: number): boolean => JSON.stringify(e.shape) === JSON.stringify(model.weights[i]?.shape);
  if (modelEntries.length !== model.weights.length || !modelEntries.every(same)) {
    fail(dir, "the checkpoint's weights do not match the model", "resume with the same --model as the original run");
  }
  model.setWeights(modelEntries.map((e) => tf.tensor(values(e), e.shape)));
  const opt = index.tensors.filter((t) => t.group === "optimizer").map((e) => ({
    name: e.name,
    // The step counter goes back to the dtype tfjs keeps it in.
    tensor: e.name === "iter" ? tf.tensor(values(e), e.shape, "int32") : tf.tensor(values(e), e.shape),
  }));
  await optimizer.setWeights(opt);
  for (const e of index.tensors.filter((t) => t.group === "adam")) {
    (optimizer as unknown as AdamProducts)[e.name as (typeof ADAM_PRODUCTS)[number]]?.assign(tf.tensor(values(e), e.shape));
  }
  return index.state;
}
