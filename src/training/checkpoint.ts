// Training checkpoints: every model weight (including batch-norm moving statistics), the optimizer's state
// (Adam's step count and moments) and where training stands, so `train --resume` continues exactly as an
// uninterrupted run would. One binary file of raw float32 values plus checkpoint.json describing it; the binary
// is written first and the JSON (which names it, with its sha256) replaces the previous one last, so a crash
// at any moment leaves the previous checkpoint intact.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { Ben19Error } from "../core/errors.js";
import { camelKeys, snakeKeys } from "../core/keys.js";
import { tf, type tfl } from "../runtime/tf.js";
import { writeFileDurable } from "../io/durable.js";
import type { Adam, StateArray } from "./adam.js";

export const CHECKPOINT_FILE = "checkpoint.json";
const FORMAT = "ben19-checkpoint";
/** 2: Adam's state as JavaScript arrays (iter, accBeta1/2, m/i, v/i) rather than tfjs optimizer weights. */
const VERSION = 2;

/** Where training stands: `batch` batches of epoch `epoch` are done (0 at an epoch's start). */
export interface TrainState {
  epoch: number;
  batch: number;
  /** Optimizer steps taken since the start of training. */
  step: number;
}

interface TensorEntry {
  name: string;
  group: "model" | "optimizer";
  shape: number[];
  offset: number;
}

interface CheckpointIndex {
  format: typeof FORMAT;
  version: number;
  /** The TrainState with snake_case keys, as in every JSON file ben19 writes. */
  state: Record<string, unknown>;
  /** A fingerprint of the options that must not change on resume (model, data, seed, batch size…). */
  fingerprint: string;
  file: string;
  sha256: string;
  tensors: TensorEntry[];
}

/** Writes a checkpoint of `model` and `optimizer` at `state` into `dir`. */
export async function saveCheckpoint(
  dir: string, model: tfl.LayersModel, optimizer: Adam, state: TrainState, fingerprint: string,
): Promise<void> {
  const named: (StateArray & { shape: number[]; group: TensorEntry["group"] })[] = [
    ...(await Promise.all(model.weights.map(async (w) => ({
      name: w.name, values: (await w.read().data()) as Float32Array, shape: w.shape as number[],
      group: "model" as const,
    })))),
    ...optimizer.state().map((s) => ({ ...s, shape: [s.values.length], group: "optimizer" as const })),
  ];
  const bytes = new Uint8Array(named.reduce((n, a) => n + a.values.byteLength, 0));
  const tensors: TensorEntry[] = [];
  let at = 0;
  for (const n of named) {
    bytes.set(new Uint8Array(n.values.buffer, n.values.byteOffset, n.values.byteLength), at);
    tensors.push({ name: n.name, group: n.group, shape: n.shape, offset: at });
    at += n.values.byteLength;
  }
  const file = `ckpt-${state.step}.bin`;
  writeFileDurable(join(dir, file), bytes);
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  const index: CheckpointIndex = {
    format: FORMAT, version: VERSION, state: snakeKeys(state), fingerprint, file, sha256, tensors,
  };
  writeFileDurable(join(dir, CHECKPOINT_FILE), `${JSON.stringify(index)}\n`);
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
export async function loadCheckpoint(
  dir: string, model: tfl.LayersModel, optimizer: Adam, fingerprint: string,
): Promise<TrainState> {
  if (!hasCheckpoint(dir)) {
    fail(dir, "no checkpoint to resume from",
      "run without --resume to start training, or pass the RUN folder of an earlier run");
  }
  const index = JSON.parse(readFileSync(join(dir, CHECKPOINT_FILE), "utf8")) as CheckpointIndex;
  if (index.format !== FORMAT) {
    fail(dir, `not a ben19 checkpoint (format ${JSON.stringify(index.format)})`,
      "pass the RUN folder `ben19 train` wrote");
  }
  if (index.version !== VERSION) {
    fail(dir, `the checkpoint is format version ${index.version ?? 1}, this ben19 reads version ${VERSION}`,
      "finish the run with the ben19 that started it, or start again without --resume");
  }
  if (index.fingerprint !== fingerprint) {
    fail(dir, "the checkpoint was written with other training options (model, data, seed, batch size, learning rate…)",
      "resume with the options of the original run (RUN/config.json lists them), or start a new run in another " +
      "--out folder");
  }
  const bin = readFileSync(join(dir, index.file));
  if (createHash("sha256").update(bin).digest("hex") !== index.sha256) {
    fail(dir, `${index.file} does not match its sha256`, "the checkpoint is damaged: start again without --resume");
  }
  const values = (e: TensorEntry): Float32Array => {
    const n = e.shape.reduce((a, b) => a * b, 1);
    return new Float32Array(bin.buffer.slice(bin.byteOffset + e.offset, bin.byteOffset + e.offset + n * 4));
  };
  const modelEntries = index.tensors.filter((t) => t.group === "model");
  // Weights are matched by position and shape: tfjs makes variable names unique per process (a model built twice
  // gets suffixed names), so names are informative only.
  const same = (e: TensorEntry, i: number): boolean =>
    JSON.stringify(e.shape) === JSON.stringify(model.weights[i]?.shape);
  if (modelEntries.length !== model.weights.length || !modelEntries.every(same)) {
    fail(dir, "the checkpoint's weights do not match the model", "resume with the same --model as the original run");
  }
  model.setWeights(modelEntries.map((e) => tf.tensor(values(e), e.shape)));
  const optimizerEntries = index.tensors.filter((t) => t.group === "optimizer");
  optimizer.restore(optimizerEntries.map((e) => ({ name: e.name, values: values(e) })));
  return camelKeys(index.state) as unknown as TrainState;
}
