// `ben19 train --model NAME --train SHARDS... [--val SHARDS...] --out RUN`: see src/training/train.ts.
import { Option, type Command } from "commander";
import { join } from "node:path";
import { loadStats } from "../../io/stats-file.js";
import { addBackendOptions, type BackendFlags } from "./backend-options.js";
import { MODEL_NAMES, MODELS, type ModelName } from "../../models/registry.js";
import { RUN_FILES, train, TRAIN_DEFAULTS } from "../../training/train.js";
import { formatProfile } from "../../training/profile.js";
import { LAYOUTS, type LayoutName } from "../../contract/layouts.js";
import { RESAMPLE_METHODS, type ResampleMethod } from "../../wasm/core.js";
import type { CommandContext, CommandModule } from "../command.js";
import { formatRate, progress, type Progress } from "../progress.js";
import { parseInteger, parseNumber } from "./parse.js";

interface TrainFlags extends BackendFlags {
  model: ModelName;
  layout?: LayoutName;
  train: string[];
  val?: string[];
  out: string;
  epochs: number;
  batchSize?: number;
  lr: number;
  seed: number;
  stats?: string;
  resample: ResampleMethod;
  shuffleBuffer: number;
  checkpointEvery: number;
  resume?: boolean;
  overwrite?: boolean;
  workers?: number;
  maxSteps?: number;
  init?: string;
  profile?: boolean;
  json?: boolean;
  quiet?: boolean;
}

const f4 = (v: number | undefined): string => (v === undefined || !Number.isFinite(v) ? "-" : v.toFixed(4));

export const command: CommandModule = {
  register(program: Command, ctx: CommandContext) {
    addBackendOptions(program.command("train"))
      .summary("train a reference model on TFRecord shards (Adam, mean sigmoid cross-entropy), " +
        "with validation and checkpoints")
      .addOption(new Option("--model <name>", "network to train").choices(MODEL_NAMES).makeOptionMandatory())
      .addOption(new Option("--layout <layout>",
        "input layout, if not the model's own: stack12 (all 12 bands at 120×120) or mm (S2 + VV + VH of MM " +
        "records), for vgg16/19 and resnet50/101/152").choices(Object.keys(LAYOUTS)))
      .requiredOption("--train <shards...>", "training shards (paths or globs such as out/train_*.tfrecord)")
      .option("--val <shards...>", "validation shards: loss and micro/macro F1 after every epoch")
      .requiredOption("--out <run>", "run folder: config.json, log.jsonl, curves.svg, checkpoint, model/")
      .option("--epochs <n>", "epochs", parseInteger("--epochs"), TRAIN_DEFAULTS.epochs)
      .option("--batch-size <n>",
        "batch size (default: the reference's, 1000/500/256; on the wasm backend the largest its heap holds, " +
        "if smaller)", parseInteger("--batch-size"))
      .option("--lr <rate>", "Adam learning rate", parseNumber("--lr"), TRAIN_DEFAULTS.lr)
      .option("--seed <n>", "seed of the initial weights, data order and dropout", parseInteger("--seed"),
        TRAIN_DEFAULTS.seed)
      .option("--stats <file>", "normalisation statistics from ben19 stats (default: the reference's)")
      .addOption(new Option("--resample <method>", "upsampling of the 20 m bands for stack10")
        .choices(Object.keys(RESAMPLE_METHODS)).default(TRAIN_DEFAULTS.resample))
      .option("--shuffle-buffer <n>", "shuffle buffer in records (~160 KB each; the reference's 130,000 needs ~20 GB)",
        parseInteger("--shuffle-buffer"), TRAIN_DEFAULTS.shuffleBuffer)
      .option("--checkpoint-every <steps>", "also checkpoint every this many steps (0: at epoch ends only)",
        parseInteger("--checkpoint-every"), TRAIN_DEFAULTS.checkpointEvery)
      .option("--init <model>",
        "start from the weights of a model folder (fine-tuning; e.g. one from ben19 import-tf1)")
      .option("--resume", "continue the run in --out from its last checkpoint, exactly as if never stopped")
      .option("--overwrite",
        "delete the run already in --out (its config, logs, curves, checkpoint and model) and start again")
      .option("--workers <n>", "decode worker threads (default: the number of cores)", parseInteger("--workers"))
      .option("--max-steps <n>", "stop after this many steps in total (checkpointed; continue with --resume)",
        parseInteger("--max-steps"))
      .option("--profile",
        "report where the run's time went (start-up, input, forward, backward, …), also in log.jsonl")
      .option("--json", "print the result as JSON")
      .option("-q, --quiet", "no progress on stderr")
      .action(async (f: TrainFlags) => {
        const quiet = f.quiet === true || f.json === true;
        let bar: Progress | undefined;
        const result = await train({
          model: f.model, layout: f.layout, train: f.train, val: f.val, out: f.out, epochs: f.epochs,
          batchSize: f.batchSize, lr: f.lr, seed: f.seed, backend: f.backend, threads: f.threads,
          stats: f.stats === undefined ? undefined : loadStats(f.stats), resample: f.resample,
          shuffleBuffer: f.shuffleBuffer, checkpointEvery: f.checkpointEvery, resume: f.resume === true,
          overwrite: f.overwrite === true,
          workers: f.workers, maxSteps: f.maxSteps, init: f.init, profile: f.profile === true,
        }, {
          onStart: ({ backend, batchSize, records, batchesPerEpoch, resumedFrom }) => {
            if (quiet) return;
            const skipped = backend.skipped.map((s) => `${s.name}: ${s.reason}`).join("; ");
            const threads = backend.threads !== undefined
              ? ` (${backend.threads} thread${backend.threads > 1 ? "s" : ""})`
              : "";
            const skippedNote = skipped !== "" ? ` (skipped ${skipped})` : "";
            ctx.io.err(`train: ${MODELS[f.model].title} on ${records} patches, batch ${batchSize}, ` +
              `${batchesPerEpoch} batches/epoch, backend ${backend.name}${threads}${skippedNote}\n`);
            if (resumedFrom !== null) {
              const at = `epoch ${resumedFrom.epoch + 1}, batch ${resumedFrom.batch}, step ${resumedFrom.step}`;
              ctx.io.err(`train: resumed at ${at}\n`);
            }
          },
          onStep: (s) => {
            bar ??= progress(ctx.io, `epoch ${s.epoch + 1}/${f.epochs}`, "batches", quiet);
            bar.update(s.batch, s.batches, `loss ${s.loss.toFixed(4)} ${formatRate(s.patchesPerSecond, "patches")}`);
          },
          onEpoch: (e) => {
            (bar ?? progress(ctx.io, `epoch ${e.epoch}/${f.epochs}`, "batches", quiet))
              .finish(`loss ${f4(e.train_loss)}, val loss ${f4(e.val_loss)}, val micro F1 ${f4(e.val_micro_f1)}, ` +
                `macro F1 ${f4(e.val_macro_f1)}, ${formatRate(e.patches_per_second, "patches")}`);
            bar = undefined;
          },
        });
        if (f.json === true) {
          const { modelDir, backend, ...rest } = result;
          const backendJson = { name: backend.name, threads: backend.threads, skipped: backend.skipped };
          const json = { ...rest, model_dir: modelDir, backend: backendJson };
          ctx.io.out(`${JSON.stringify(json, null, 2)}\n`);
        }
        else if (result.interrupted) {
          const s = result.state;
          ctx.io.out(`stopped at step ${s.step} (epoch ${s.epoch + 1}, batch ${s.batch}); continue with --resume\n`);
        } else {
          const files = `log ${join(f.out, RUN_FILES.log)}, curves ${join(f.out, RUN_FILES.plot)}`;
          ctx.io.out(`trained ${result.state.step} steps; model in ${result.modelDir}; ${files}\n`);
        }
        if (f.json !== true && result.profile !== undefined) ctx.io.out(`${formatProfile(result.profile)}\n`);
        ctx.exit(0);
      });
  },
};
