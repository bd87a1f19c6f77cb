// `ben19 train`: Adam on the mean sigmoid cross-entropy, as the reference trains, with what it lacks: validation
// after each epoch, a JSON-lines log and an SVG of the curves, checkpoints, and --resume that continues exactly
// (weights, optimizer state, data order and dropout masks) as the uninterrupted run would have.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { Ben19Error, OptionError } from "../core/errors.js";
import { REFERENCE_STATS, type BandStats } from "../core/stats.js";
import { VERSION } from "../core/version.js";
import { createDataset, type Dataset } from "../dataset/dataset.js";
import { expandShards } from "../dataset/files.js";
import { batchToTensors } from "../dataset/tensors.js";
import { selectBackend, type BackendChoice, type BackendInfo } from "../runtime/backend.js";
import { setDropoutStep } from "../models/dropout.js";
import { saveModel } from "../models/io.js";
import { makeMetadata } from "../models/metadata.js";
import { MODELS, type ModelName } from "../models/registry.js";
import { tf } from "../runtime/tf.js";
import { countRecords } from "../tfrecord/count.js";
import type { ResampleMethod } from "../wasm/core.js";
import { adam } from "./adam.js";
import { hasCheckpoint, loadCheckpoint, saveCheckpoint, type TrainState } from "./checkpoint.js";
import { evaluate } from "./evaluate.js";
import { logitsModel } from "./logits.js";
import { meanSigmoidCrossEntropy } from "./loss.js";
import { curvesSvg, type EpochLog } from "./plot.js";
import { writeFileDurable } from "../io/durable.js";

export interface TrainOptions {
  model: ModelName;
  train: string[];
  val?: string[] | undefined;
  out: string;
  epochs: number;
  /** Default: the reference's, or on the wasm backend the largest that fits its heap if that is smaller. */
  batchSize?: number | undefined;
  lr: number;
  seed: number;
  backend: BackendChoice;
  /** Threads of the wasm backend (default: BEN19_WASM_THREADS, else every core). */
  threads?: number | undefined;
  stats?: BandStats | undefined;
  resample: ResampleMethod;
  shuffleBuffer: number;
  /** Save a checkpoint every this many steps (0: only at the end of each epoch). */
  checkpointEvery: number;
  resume: boolean;
  workers?: number | undefined;
  /** Stop after this many steps in total (a deliberate interruption; tests and time-boxed jobs). */
  maxSteps?: number | undefined;
}

export interface StepInfo {
  epoch: number;
  batch: number;
  batches: number;
  step: number;
  loss: number;
  patchesPerSecond: number;
}

export interface TrainHooks {
  onStart?(info: { backend: BackendInfo; batchSize: number; records: number; batchesPerEpoch: number; resumedFrom: TrainState | null }): void;
  onStep?(s: StepInfo): void;
  onEpoch?(e: EpochLog): void;
}

export interface TrainResult {
  out: string;
  modelDir: string | null;
  state: TrainState;
  log: EpochLog[];
  backend: BackendInfo;
  /** True when maxSteps stopped training before the last epoch ended. */
  interrupted: boolean;
}

export const RUN_FILES = { config: "config.json", log: "log.jsonl", plot: "curves.svg", model: "model" } as const;

/** Running sums of the epoch in progress, kept in the checkpoint so a resumed epoch reports the same mean loss. */
interface EpochProgress extends TrainState {
  lossSum: number;
  seconds: number;
}

/** What must not change between a run and its resumption (epochs, checkpointing and workers may). */
function fingerprint(o: Resolved, stats: BandStats): string {
  const files = (fs: readonly string[]): { path: string; bytes: number }[] => fs.map((f) => ({ path: resolve(f), bytes: statSync(f).size }));
  const key = { model: o.model, train: files(o.train), val: files(o.val ?? []), batchSize: o.batchSize, lr: o.lr, seed: o.seed, stats, resample: o.resample, shuffleBuffer: o.shuffleBuffer };
  return createHash("sha256").update(JSON.stringify(key)).digest("hex");
}

function readLog(file: string, before: number): EpochLog[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8").split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l) as EpochLog).filter((e) => e.epoch < before);
}

/**
 * The wasm backend signals an exhausted heap with a WebAssembly trap, not an error: turn it into one that says what
 * happened and what to change (the batch's activations are what grows; the heap cannot exceed 4 GB).
 */
function outOfMemory(e: unknown, backend: BackendInfo, o: Resolved): Ben19Error | undefined {
  if (backend.name !== "wasm" || !(e instanceof WebAssembly.RuntimeError || (e instanceof Error && /^Aborted\(/.test(e.message)))) return undefined;
  return new Ben19Error("E_BACKEND_MEMORY", `the wasm backend ran out of memory in a training step of ${o.model} at batch size ${o.batchSize} (${(e as Error).message})`, {},
    `lower --batch-size (${MODELS[o.model].title} has trained on wasm at batch ${MODELS[o.model].wasmMaxBatch}), or use --backend node; --resume continues from the last checkpoint`);
}

/** The options with the batch size settled. */
type Resolved = TrainOptions & { batchSize: number };

/**
 * The batch size: as asked, else the reference's. On the wasm backend a batch past what its heap holds would fail
 * deep inside a step (or hang there): refuse it now, and default to the largest that fits.
 */
function batchSizeFor(o: TrainOptions, backend: BackendInfo): number {
  const spec = MODELS[o.model];
  if (backend.name !== "wasm") return o.batchSize ?? spec.batchSize;
  if (o.batchSize === undefined) return Math.min(spec.batchSize, spec.wasmMaxBatch);
  if (o.batchSize > spec.wasmMaxBatch) {
    throw new Ben19Error("E_BACKEND_MEMORY", `${spec.title} at batch size ${o.batchSize} does not fit the wasm backend's 4 GB heap; it trains there at batch sizes up to ${spec.wasmMaxBatch} (measured)`, {},
      `use --batch-size ${spec.wasmMaxBatch} or less, or --backend node (install @tensorflow/tfjs-node)`);
  }
  return o.batchSize;
}

function check(o: TrainOptions): void {
  if (!Number.isInteger(o.epochs) || o.epochs < 1) throw new OptionError("--epochs", o.epochs, "expected an integer ≥ 1");
  if (o.batchSize !== undefined && (!Number.isInteger(o.batchSize) || o.batchSize < 1)) throw new OptionError("--batch-size", o.batchSize, "expected an integer ≥ 1");
  if (!(o.lr > 0)) throw new OptionError("--lr", o.lr, "expected a learning rate > 0, e.g. 1e-3");
  if (!Number.isInteger(o.checkpointEvery) || o.checkpointEvery < 0) throw new OptionError("--checkpoint-every", o.checkpointEvery, "expected an integer ≥ 0 (steps; 0 = at epoch ends only)");
  if (o.train.length === 0) throw new OptionError("--train", o.train, "expected one or more TFRecord shards");
  const configFile = join(o.out, RUN_FILES.config);
  if (!o.resume && existsSync(configFile)) {
    throw new Ben19Error("E_RUN_EXISTS", `${o.out} already holds a training run`, { file: configFile },
      "continue it with --resume, or choose a new --out folder");
  }
}

export async function train(options: TrainOptions, hooks: TrainHooks = {}): Promise<TrainResult> {
  check(options);
  const stats = options.stats ?? REFERENCE_STATS;
  const spec = MODELS[options.model];
  const backend = await selectBackend(options.backend, { threads: options.threads });
  // Globs are expanded once, here, so the fingerprint, the record count and the datasets see the same files.
  const o: Resolved = {
    ...options,
    batchSize: batchSizeFor(options, backend),
    train: expandShards(options.train),
    val: options.val !== undefined && options.val.length > 0 ? expandShards(options.val) : undefined,
  };
  // The options as recorded in config.json and in the model's metadata: absolute paths.
  const recorded = { ...o, train: o.train.map((f) => resolve(f)), val: (o.val ?? []).map((f) => resolve(f)) };
  const model = spec.build(o.seed);
  mkdirSync(o.out, { recursive: true });
  const print = fingerprint(o, stats);
  const logits = logitsModel(model);
  const optimizer = adam(o.lr);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  let resumedFrom: TrainState | null = null;
  let state: EpochProgress = { epoch: 0, batch: 0, step: 0, lossSum: 0, seconds: 0 };
  if (o.resume && hasCheckpoint(o.out)) {
    resumedFrom = await loadCheckpoint(o.out, model, optimizer, print);
    state = { lossSum: 0, seconds: 0, ...resumedFrom };
  } else if (o.resume) {
    throw new Ben19Error("E_CHECKPOINT", `${o.out} has no checkpoint to resume from`, { file: o.out }, "run without --resume to start training");
  } else {
    const config = { tool: { name: "ben19", version: VERSION }, ...recorded, stats, fingerprint: print };
    writeFileDurable(join(o.out, RUN_FILES.config), `${JSON.stringify(config, null, 2)}\n`);
  }
  const log = readLog(join(o.out, RUN_FILES.log), state.epoch);
  const writeLog = (): void => writeFileDurable(join(o.out, RUN_FILES.log), log.map((e) => `${JSON.stringify(e)}\n`).join(""));
  writeLog();

  const common = { layout: spec.layout, batchSize: o.batchSize, resample: o.resample, stats, workers: o.workers };
  const records = o.train.reduce((n, f) => n + countRecords(f), 0);
  const batchesPerEpoch = Math.ceil(records / o.batchSize);
  hooks.onStart?.({ backend, batchSize: o.batchSize, records, batchesPerEpoch, resumedFrom });
  const trainSet = createDataset({ ...common, files: o.train, seed: o.seed, shuffleBuffer: o.shuffleBuffer });
  const valSet: Dataset | undefined = o.val !== undefined ? createDataset({ ...common, files: o.val, shuffleBuffer: 0 }) : undefined;
  const ckpt = async (): Promise<void> => saveCheckpoint(o.out, model, optimizer, state, print);
  let interrupted = false;
  try {
    while (state.epoch < o.epochs && !interrupted) {
      const started = performance.now() - state.seconds * 1000;
      for await (const batch of trainSet.epoch(state.epoch, { skipBatches: state.batch })) {
        setDropoutStep(state.step);
        const t = batchToTensors(tf, batch);
        let lossT: tf.Scalar;
        try {
          lossT = optimizer.minimize(() => meanSigmoidCrossEntropy(t.labels, logits.apply(t.inputs, { training: true }) as tf.Tensor) as tf.Scalar, variables);
        } catch (e) {
          throw outOfMemory(e, backend, o) ?? e;
        }
        const loss = (await lossT.data())[0] as number;
        tf.dispose([lossT, ...t.inputs, t.labels]);
        state.batch++;
        state.step++;
        state.lossSum += loss * batch.size;
        state.seconds = (performance.now() - started) / 1000;
        const done = Math.min(records, state.batch * o.batchSize);
        hooks.onStep?.({ epoch: state.epoch, batch: state.batch, batches: batchesPerEpoch, step: state.step, loss, patchesPerSecond: done / Math.max(state.seconds, 1e-9) });
        if (o.checkpointEvery > 0 && state.step % o.checkpointEvery === 0) await ckpt();
        if (o.maxSteps !== undefined && state.step >= o.maxSteps) {
          interrupted = state.batch < batchesPerEpoch || state.epoch + 1 < o.epochs;
          if (interrupted) break;
        }
      }
      if (interrupted) {
        await ckpt();
        break;
      }
      const val = valSet !== undefined ? await evaluate(logits, valSet) : undefined;
      const entry: EpochLog = {
        epoch: state.epoch,
        step: state.step,
        train_loss: state.lossSum / records,
        val_loss: val?.loss,
        val_micro_f1: val?.metrics.micro_f1_score,
        val_macro_f1: val?.metrics.macro_f1_score_class_avg,
        seconds: state.seconds,
        patches_per_second: records / Math.max(state.seconds, 1e-9),
      };
      log.push(entry);
      writeLog();
      writeFileDurable(join(o.out, RUN_FILES.plot), curvesSvg(log, `${spec.title}: ${o.train.length} shard(s), batch ${o.batchSize}, lr ${o.lr}`));
      hooks.onEpoch?.(entry);
      state = { epoch: state.epoch + 1, batch: 0, step: state.step, lossSum: 0, seconds: 0 };
      await ckpt();
    }
    let modelDir: string | null = null;
    if (!interrupted) {
      modelDir = join(o.out, RUN_FILES.model);
      const training = { ...recorded, stats: undefined, steps: state.step, backend: backend.name, final: log.at(-1) ?? null };
      await saveModel(model, makeMetadata(o.model, { stats, resample: o.resample, training }), modelDir);
    }
    return { out: o.out, modelDir, state: { epoch: state.epoch, batch: state.batch, step: state.step }, log, backend, interrupted };
  } finally {
    await trainSet.close();
    await valSet?.close();
    optimizer.dispose();
    model.dispose();
  }
}
