// `ben19 train`: Adam on the mean sigmoid cross-entropy, as the reference trains, with what it lacks: validation
// after each epoch, a JSON-lines log and an SVG of the curves, checkpoints, and --resume that continues exactly
// (weights, optimizer state, data order and dropout masks) as the uninterrupted run would have.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, rmSync, statSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { Ben19Error, OptionError } from "../core/errors.js";
import { REFERENCE_STATS, type ChannelStats } from "../core/stats.js";
import { snakeKeys } from "../core/keys.js";
import { VERSION } from "../core/version.js";
import { createDataset, type Dataset } from "../dataset/dataset.js";
import { expandShards } from "../dataset/files.js";
import { batchToTensors } from "../dataset/tensors.js";
import { selectBackend, type BackendChoice, type BackendInfo } from "../runtime/backend.js";
import { setDropoutStep } from "../models/dropout.js";
import { saveModel } from "../models/io.js";
import { DEFAULT_RESAMPLE, layoutNeedsS1, type LayoutName } from "../contract/layouts.js";
import { modelLayout } from "../contract/models.js";
import { makeMetadata } from "../contract/metadata.js";
import { MODELS, type ModelName } from "../models/registry.js";
import { tf } from "../runtime/tf.js";
import { countRecords } from "../tfrecord/count.js";
import { checkFirstRecords } from "../tfrecord/schema.js";
import { createCore, type ResampleMethod } from "../wasm/core.js";
import { adam } from "./adam.js";
import { checkInit, initFrom } from "./init-from.js";
import { CHECKPOINT_FILE, hasCheckpoint, loadCheckpoint, saveCheckpoint, type TrainState } from "./checkpoint.js";
import { evaluateDataset } from "./evaluate.js";
import { logitsModel } from "./logits.js";
import { meanSigmoidCrossEntropy } from "./loss.js";
import { curvesSvg, type EpochLog, type StepLog } from "./plot.js";
import { writeFileDurable } from "../io/durable.js";
import { Profiler, type TrainProfile } from "./profile.js";

/** What train() uses for an option left out (or undefined); the CLI shows these as its flags' defaults. */
export const TRAIN_DEFAULTS = {
  epochs: 1,
  lr: 1e-3,
  seed: 42,
  backend: "auto",
  resample: DEFAULT_RESAMPLE,
  shuffleBuffer: 2000,
  checkpointEvery: 0,
  resume: false,
} as const satisfies Partial<TrainOptions>;

/** The options train() takes; those in TRAIN_DEFAULTS may be left out. */
export type TrainInput = Omit<TrainOptions, keyof typeof TRAIN_DEFAULTS> & {
  [K in keyof typeof TRAIN_DEFAULTS]?: TrainOptions[K] | undefined;
};

export interface TrainOptions {
  model: ModelName;
  /** The input layout, if not the model's default: `mm` (S2 + VV + VH from MM records) for VGG/ResNet. */
  layout?: LayoutName | undefined;
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
  stats?: ChannelStats | undefined;
  resample: ResampleMethod;
  shuffleBuffer: number;
  /** Save a checkpoint every this many steps (0: only at the end of each epoch). */
  checkpointEvery: number;
  resume: boolean;
  /** Delete the run already in `out` (config, log, plots, checkpoint, model) before starting a new one. */
  overwrite?: boolean | undefined;
  workers?: number | undefined;
  /** Stop after this many steps in total (a deliberate interruption; tests and time-boxed jobs). */
  maxSteps?: number | undefined;
  /** Start from the weights of this model folder (fine-tuning), e.g. one made by `ben19 import-tf1`. */
  init?: string | undefined;
  /** Report where the run's time went (TrainResult.profile, and a last line of log.jsonl). */
  profile?: boolean | undefined;
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
  onStart?(info: {
    backend: BackendInfo; batchSize: number; records: number; batchesPerEpoch: number; resumedFrom: TrainState | null;
  }): void;
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
  /** With the profile option: where the time went, from process start (see profile.ts). */
  profile?: TrainProfile;
}

export const RUN_FILES = {
  config: "config.json", log: "log.jsonl", steps: "steps.jsonl", plot: "curves.svg", model: "model",
} as const;

/** Points of the per-step training loss curve per epoch (each the mean over a window of steps). */
const STEP_POINTS_PER_EPOCH = 20;

/** Everything a run writes into its folder (and the temporary names it writes them under), for cleanup. */
function isRunFile(name: string): boolean {
  const base = name.replace(/\.tmp$/, "");
  return [...Object.values(RUN_FILES), CHECKPOINT_FILE].includes(base) ||
    /^ckpt-\d+\.bin$/.test(base);
}

/**
 * Removes the run files from `dir` (never anything else), and `dir` itself when this run created it and it is
 * empty.
 */
function removeRun(dir: string, created: boolean): void {
  if (!existsSync(dir)) return;
  for (const f of readdirSync(dir)) if (isRunFile(f)) rmSync(join(dir, f), { recursive: true, force: true });
  if (created && readdirSync(dir).length === 0) rmdirSync(dir);
}

/** Running sums of the epoch in progress, kept in the checkpoint so a resumed epoch reports the same mean loss. */
interface EpochProgress extends TrainState {
  lossSum: number;
  seconds: number;
  /** The steps.jsonl window in progress: summed batch losses and their count. */
  windowSum?: number;
  windowSteps?: number;
}

/** What must not change between a run and its resumption (epochs, checkpointing and workers may). */
function fingerprint(o: Resolved, stats: ChannelStats): string {
  const files = (fs: readonly string[]): { path: string; bytes: number }[] =>
    fs.map((f) => ({ path: resolve(f), bytes: statSync(f).size }));
  const key = {
    model: o.model, layout: o.layout, train: files(o.train), val: files(o.val ?? []), batchSize: o.batchSize, lr: o.lr,
    seed: o.seed, stats, resample: o.resample, shuffleBuffer: o.shuffleBuffer,
  };
  return createHash("sha256").update(JSON.stringify(key)).digest("hex");
}

/** The entries of a JSON-lines log up to `last` (what a resumed run keeps: the checkpoint's past). */
function readLines<T>(file: string, keep: (e: T) => boolean): T[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8").split("\n").filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as T).filter(keep);
}

const jsonLines = (entries: readonly object[]): string => entries.map((e) => `${JSON.stringify(e)}\n`).join("");

/** The plot's title (model and data) and subtitle (settings). */
function plotTitles(o: Resolved, records: number, valRecords: number, backend: BackendInfo): [string, string] {
  const files = (fs: readonly string[]): string =>
    (fs.length === 1 ? basename(fs[0] as string) : `${fs.length} shards`);
  const n = (k: number): string => k.toLocaleString("en-US");
  const val = o.val !== undefined ? `, validation ${n(valRecords)} patches (${files(o.val)})` : "";
  const resample = MODELS[o.model].layout === "kbranch" ? "" : `, ${o.resample} resampling`;
  return [`${MODELS[o.model].title}: training ${n(records)} patches (${files(o.train)})${val}`,
    `batch ${o.batchSize}, Adam lr ${o.lr}, seed ${o.seed}, shuffle buffer ${o.shuffleBuffer}${resample}, ` +
      `${backend.name} backend`];
}

/**
 * The wasm backend signals an exhausted heap with a WebAssembly trap, not an error: turn it into one that says what
 * happened and what to change (the batch's activations are what grows; the heap cannot exceed 4 GB).
 */
function outOfMemory(e: unknown, backend: BackendInfo, o: Resolved): Ben19Error | undefined {
  const trap = e instanceof WebAssembly.RuntimeError || (e instanceof Error && /^Aborted\(/.test(e.message));
  if (backend.name !== "wasm" || !trap) return undefined;
  const spec = MODELS[o.model];
  return new Ben19Error("E_BACKEND_MEMORY",
    `the wasm backend ran out of memory in a training step of ${o.model} at batch size ${o.batchSize} ` +
    `(${(e as Error).message})`, {},
    `lower --batch-size (${spec.title} has trained on wasm at batch ${spec.wasmMaxBatch}), or use --backend node; ` +
    "--resume continues from the last checkpoint");
}

/** The options with the batch size settled. */
type Resolved = TrainOptions & { batchSize: number; layout: LayoutName };

/**
 * The batch size: as asked, else the reference's. On the wasm backend a batch past what its heap holds would fail
 * deep inside a step (or hang there): refuse it now, and default to the largest that fits.
 */
function batchSizeFor(o: TrainOptions, backend: BackendInfo): number {
  const spec = MODELS[o.model];
  if (backend.name !== "wasm") return o.batchSize ?? spec.batchSize;
  if (o.batchSize === undefined) return Math.min(spec.batchSize, spec.wasmMaxBatch);
  if (o.batchSize > spec.wasmMaxBatch) {
    throw new Ben19Error("E_BACKEND_MEMORY",
      `${spec.title} at batch size ${o.batchSize} does not fit the wasm backend's 4 GB heap; it trains there at ` +
      `batch sizes up to ${spec.wasmMaxBatch} (measured)`, {},
      `use --batch-size ${spec.wasmMaxBatch} or less, or --backend node (install @tensorflow/tfjs-node)`);
  }
  return o.batchSize;
}

function check(o: TrainOptions): void {
  if (!Number.isInteger(o.epochs) || o.epochs < 1) throw new OptionError("epochs", o.epochs, "expected an integer ≥ 1");
  if (o.batchSize !== undefined && (!Number.isInteger(o.batchSize) || o.batchSize < 1)) {
    throw new OptionError("batchSize", o.batchSize, "expected an integer ≥ 1");
  }
  if (!(o.lr > 0)) throw new OptionError("lr", o.lr, "expected a learning rate > 0, e.g. 1e-3");
  if (!Number.isInteger(o.checkpointEvery) || o.checkpointEvery < 0) {
    throw new OptionError("checkpointEvery", o.checkpointEvery,
      "expected an integer ≥ 0 (steps; 0 = at epoch ends only)");
  }
  if (o.train.length === 0) throw new OptionError("train", o.train, "expected one or more TFRecord shards");
  if (o.resume && o.overwrite === true) {
    throw new OptionError("overwrite", true,
      "cannot be combined with --resume (one continues the run, the other deletes it)");
  }
  if (existsSync(o.out) && !statSync(o.out).isDirectory()) {
    throw new OptionError("out", o.out, "is a file: expected a run folder (new or from ben19 train)");
  }
  const configFile = join(o.out, RUN_FILES.config);
  if (!o.resume && o.overwrite !== true && existsSync(configFile)) {
    const resumable = hasCheckpoint(o.out);
    const what = `${o.out} already holds a training run${resumable ? "" : " that stopped before its first checkpoint"}`;
    const hint = resumable
      ? "continue it with --resume, start it again with --overwrite, or choose a new --out folder"
      : "start it again with --overwrite, or choose a new --out folder";
    throw new Ben19Error("E_RUN_EXISTS", what, { file: configFile }, hint);
  }
  if (o.resume && !hasCheckpoint(o.out)) {
    throw new Ben19Error("E_CHECKPOINT", `${o.out} has no checkpoint to resume from`, { file: o.out },
      existsSync(configFile)
        ? "the run stopped before its first checkpoint: start it again with --overwrite instead of --resume"
        : "run without --resume to start training");
  }
}

/** `o` over `defaults`, where an undefined value in `o` keeps the default. */
export function withDefaults<D extends object, O extends object>(defaults: D, o: O): D & O {
  const set = Object.entries(o).filter(([, v]) => v !== undefined);
  return { ...defaults, ...Object.fromEntries(set) } as D & O;
}

/** Trains a model; see the module comment. Errors name the option (its TrainOptions key, or the CLI flag). */
export async function train(input: TrainInput, hooks: TrainHooks = {}): Promise<TrainResult> {
  const profiler = new Profiler(input.profile === true);
  const options: TrainOptions = withDefaults(TRAIN_DEFAULTS, input) as TrainOptions;
  check(options);
  const layout = modelLayout(options.model, options.layout);
  const stats = options.stats ?? REFERENCE_STATS;
  profiler.lap("setup");
  const backend = await selectBackend(options.backend, { threads: options.threads });
  profiler.lap("backend_init");
  // Globs are expanded once, here, so the fingerprint, the record count and the datasets see the same files.
  const o: Resolved = {
    ...options,
    layout,
    batchSize: batchSizeFor(options, backend),
    train: expandShards(options.train, "--train"),
    val: options.val !== undefined && options.val.length > 0 ? expandShards(options.val, "--val") : undefined,
  };
  // Every check that can fail on the user's input runs before the run folder is touched.
  const records = o.train.reduce((n, f) => n + countRecords(f), 0);
  if (records === 0) throw new OptionError("train", options.train, "the shards hold no records");
  await checkFirstRecords([...o.train, ...(o.val ?? [])], await createCore(), layoutNeedsS1(layout));
  if (o.init !== undefined && !o.resume) checkInit(o.init, o.model);
  // The options as recorded in config.json and in the model's metadata: absolute paths, snake_case keys as in every
  // JSON file ben19 writes (batch_size, shuffle_buffer, …).
  const absolute = {
    ...o, overwrite: undefined, train: o.train.map((f) => resolve(f)), val: (o.val ?? []).map((f) => resolve(f)),
  };
  const recorded = snakeKeys(absolute);
  const created = !existsSync(o.out);
  if (o.overwrite === true) removeRun(o.out, false);
  mkdirSync(o.out, { recursive: true });
  try {
    return await trainIn(o, recorded, stats, backend, records, hooks, profiler);
  } catch (e) {
    // A run that never reached a checkpoint cannot be resumed: leave nothing of it, so rerunning just works.
    if (!hasCheckpoint(o.out)) removeRun(o.out, created);
    throw e;
  }
}

async function trainIn(o: Resolved, recorded: Record<string, unknown>, stats: ChannelStats, backend: BackendInfo,
  records: number, hooks: TrainHooks, profiler: Profiler): Promise<TrainResult> {
  const spec = MODELS[o.model];
  const model = spec.build(o.seed, o.layout);
  const print = fingerprint(o, stats);
  const logits = logitsModel(model);
  const optimizer = adam(o.lr);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  let resumedFrom: TrainState | null = null;
  let state: EpochProgress = { epoch: 0, batch: 0, step: 0, lossSum: 0, seconds: 0 };
  if (o.resume) {
    resumedFrom = await loadCheckpoint(o.out, model, optimizer, print);
    state = { lossSum: 0, seconds: 0, ...resumedFrom };
  } else {
    if (o.init !== undefined) await initFrom(model, o.init);
    const config = { tool: { name: "ben19", version: VERSION }, ...recorded, stats, fingerprint: print };
    writeFileDurable(join(o.out, RUN_FILES.config), `${JSON.stringify(config, null, 2)}\n`);
  }
  // Epochs are counted from 1 in the log, as on screen: entry k is the state after epoch k.
  const log = readLines<EpochLog>(join(o.out, RUN_FILES.log), (e) => e.epoch <= state.epoch);
  const steps = readLines<StepLog>(join(o.out, RUN_FILES.steps), (e) => e.step <= state.step);
  const writeLog = (): void => writeFileDurable(join(o.out, RUN_FILES.log), jsonLines(log));
  const writeSteps = (): void => writeFileDurable(join(o.out, RUN_FILES.steps), jsonLines(steps));
  writeLog();
  writeSteps();

  const common = { layout: o.layout, batchSize: o.batchSize, resample: o.resample, stats, workers: o.workers };
  const batchesPerEpoch = Math.ceil(records / o.batchSize);
  const window = Math.max(1, Math.ceil(batchesPerEpoch / STEP_POINTS_PER_EPOCH));
  const [title, subtitle] = plotTitles(o, records, (o.val ?? []).reduce((n, f) => n + countRecords(f), 0), backend);
  hooks.onStart?.({ backend, batchSize: o.batchSize, records, batchesPerEpoch, resumedFrom });
  const trainSet = createDataset({ ...common, files: o.train, seed: o.seed, shuffleBuffer: o.shuffleBuffer });
  const valSet: Dataset | undefined = o.val !== undefined
    ? createDataset({ ...common, files: o.val, shuffleBuffer: 0 })
    : undefined;
  const ckpt = async (): Promise<void> => {
    await saveCheckpoint(o.out, model, optimizer, state, print);
    profiler.lap("checkpoint");
  };
  let interrupted = false;
  let result: TrainResult;
  profiler.lap("setup");
  try {
    while (state.epoch < o.epochs && !interrupted) {
      const started = performance.now() - state.seconds * 1000;
      for await (const batch of trainSet.epoch(state.epoch, { skipBatches: state.batch })) {
        profiler.lap("input_wait");
        setDropoutStep(state.step);
        const t = batchToTensors(tf, batch);
        profiler.lap("batch_to_tensors");
        // The backends run kernels as they are called, so the laps fall between forward, backward and Adam.
        const first = profiler.steps === 0;
        let lossT: tf.Scalar;
        try {
          lossT = optimizer.minimize(() => {
            const out = logits.apply(t.inputs, { training: true }) as tf.Tensor;
            const l = meanSigmoidCrossEntropy(t.labels, out) as tf.Scalar;
            profiler.lap(first ? "first_step" : "forward");
            return l;
          }, variables, () => profiler.lap(first ? "first_step" : "backward"));
        } catch (e) {
          throw outOfMemory(e, backend, o) ?? e;
        }
        profiler.lap(first ? "first_step" : "optimizer");
        profiler.steps++;
        const loss = (await lossT.data())[0] as number;
        tf.dispose([lossT, ...t.inputs, t.labels]);
        profiler.lap("loss_read");
        state.batch++;
        state.step++;
        state.lossSum += loss * batch.size;
        state.seconds = (performance.now() - started) / 1000;
        state.windowSum = (state.windowSum ?? 0) + loss;
        state.windowSteps = (state.windowSteps ?? 0) + 1;
        if (state.windowSteps === window || state.batch === batchesPerEpoch) {
          steps.push({
            step: state.step, epoch: state.epoch + state.batch / batchesPerEpoch,
            train_loss: state.windowSum / state.windowSteps,
          });
          state.windowSum = 0;
          state.windowSteps = 0;
          writeSteps();
        }
        const done = Math.min(records, state.batch * o.batchSize);
        hooks.onStep?.({
          epoch: state.epoch, batch: state.batch, batches: batchesPerEpoch, step: state.step, loss,
          patchesPerSecond: done / Math.max(state.seconds, 1e-9),
        });
        profiler.lap("logging");
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
      profiler.lap("input_wait");
      const val = valSet !== undefined ? await evaluateDataset(logits, valSet) : undefined;
      profiler.lap("validation");
      const entry: EpochLog = {
        epoch: state.epoch + 1,
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
      writeFileDurable(join(o.out, RUN_FILES.plot), curvesSvg(log, steps, title, subtitle));
      hooks.onEpoch?.(entry);
      profiler.lap("logging");
      state = { epoch: state.epoch + 1, batch: 0, step: state.step, lossSum: 0, seconds: 0 };
      await ckpt();
    }
    let modelDir: string | null = null;
    if (!interrupted) {
      modelDir = join(o.out, RUN_FILES.model);
      const training = {
        ...recorded, stats: undefined, steps: state.step, backend: backend.name, final: log.at(-1) ?? null,
      };
      const metadata = makeMetadata(o.model, { stats, layout: o.layout, resample: o.resample, training });
      await saveModel(model, metadata, modelDir);
      profiler.lap("save_model");
    }
    const at = { epoch: state.epoch, batch: state.batch, step: state.step };
    result = { out: o.out, modelDir, state: at, log, backend, interrupted };
  } finally {
    await trainSet.close();
    await valSet?.close();
    optimizer.dispose();
    model.dispose();
    profiler.lap("teardown");
  }
  if (!profiler.enabled) return result;
  profiler.decodeSeconds = trainSet.decodeSeconds + (valSet?.decodeSeconds ?? 0);
  const profile = profiler.finish(backend.threads);
  writeFileDurable(join(o.out, RUN_FILES.log), jsonLines([...log, { profile }]));
  return { ...result, profile };
}
