// `ben19 eval --model RUN --data SHARDS...`: the reference's metrics (names as in its eval_result.json) of a
// saved model on TFRecord shards, preprocessed with the model's own metadata.
import type { Command } from "commander";
import { closeSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { createDataset } from "../../dataset/dataset.js";
import { OnnxRunner } from "../../export/onnx-runner.js";
import { addBackendOptions, startBackend, type RunBackendFlags } from "./backend-options.js";
import { loadModel } from "../../models/io.js";
import { countRecords } from "../../tfrecord/count.js";
import { evaluate } from "../../training/evaluate.js";
import { logitsModel } from "../../training/logits.js";
import { formatMetricsTable, metricsToJSON } from "../../training/metrics/index.js";
import type { CommandContext, CommandModule } from "../command.js";
import { progress } from "../progress.js";
import { parseInteger, parseProbability } from "./parse.js";
import { requirePath } from "../paths.js";
import { expandShards } from "../../dataset/files.js";
import { checkFirstRecords } from "../../tfrecord/schema.js";
import { createCore } from "../../wasm/core.js";
import { writeFileAtomic } from "../../core/atomic.js";

interface EvalFlags extends RunBackendFlags {
  model: string;
  data: string[];
  out?: string;
  predictions?: string;
  threshold?: number;
  batchSize: number;
  workers?: number;
  json?: boolean;
  quiet?: boolean;
}

const pad2 = (i: number): string => String(i).padStart(2, "0");

export const command: CommandModule = {
  register(program: Command, ctx: CommandContext) {
    addBackendOptions(program.command("eval"), { onnx: true })
      .summary("evaluate a trained model on TFRecord shards with the reference's multi-label metrics")
      .requiredOption("--model <run>", "a run folder from ben19 train (or its model/ folder)")
      .requiredOption("--data <shards...>", "TFRecord shards (paths or globs)")
      .option("--out <metrics.json>", "write the metrics as JSON (the reference's names)")
      .option("--predictions <preds.csv>", "write one row per patch: name, 19 true labels, 19 probabilities")
      .option("--threshold <p>", "probability (0-1) at which a label is predicted (default: the model's, 0.5)", parseProbability("--threshold"))
      .option("--batch-size <n>", "patches per forward pass", parseInteger("--batch-size"), 64)
      .option("--workers <n>", "decode worker threads (default: the number of cores)", parseInteger("--workers"))
      .option("--json", "print the metrics as JSON")
      .option("-q, --quiet", "no progress on stderr")
      .action(async (f: EvalFlags) => {
        requirePath("--model", f.model, "folder", "the run folder ben19 train wrote (or its model/ folder)");
        const files = expandShards(f.data, "--data");
        await checkFirstRecords(files, await createCore());
        const { onnx } = await startBackend(f, ctx);
        const loaded = await loadModel(f.model);
        // ONNX Runtime outputs the logits itself; tfjs needs the logits view of the model.
        const model = onnx ? await OnnxRunner.fromModel(loaded, f.threads) : logitsModel(loaded.model);
        const { meta } = loaded;
        const ds = createDataset({ files, layout: meta.layout, batchSize: f.batchSize, resample: meta.resample, stats: meta.normalization.stats, workers: f.workers });
        const total = ds.options.files.reduce((n, file) => n + countRecords(file), 0);
        const bar = progress(ctx.io, "eval", "patches", f.quiet === true || f.json === true);
        // Predictions go straight to a temp file as batches arrive, renamed when complete.
        const preds = f.predictions === undefined ? undefined : openSync(`${f.predictions}.tmp`, "w");
        if (preds !== undefined) {
          const head = ["patch_name", ...meta.classes.map((_, i) => `true_${pad2(i)}`), ...meta.classes.map((_, i) => `prob_${pad2(i)}`)];
          writeSync(preds, `${head.join(",")}\n`);
        }
        let done = 0;
        let committed = false;
        try {
          const result = await evaluate(model, ds, {
            threshold: f.threshold ?? meta.threshold,
            onBatch: (names, labels, probs) => {
              done += names.length;
              bar.update(done, total);
              if (preds === undefined) return;
              const C = meta.classes.length;
              const rows = names.map((n, i) => [n, ...Array.from(labels.subarray(i * C, (i + 1) * C), String), ...Array.from(probs.subarray(i * C, (i + 1) * C), (p) => p.toPrecision(7))].join(","));
              writeSync(preds, `${rows.join("\n")}\n`);
            },
          });
          bar.finish(`${result.count} patches, loss ${result.loss.toFixed(4)}`);
          const json = metricsToJSON(result.metrics);
          if (f.out !== undefined) {
            writeFileAtomic(f.out, `${json}\n`);
          }
          if (preds !== undefined) {
            closeSync(preds);
            renameSync(`${f.predictions}.tmp`, f.predictions as string);
            committed = true;
          }
          if (f.json === true) ctx.io.out(`${json}\n`);
          else ctx.io.out(`${meta.model} on ${f.data.join(" ")} (threshold ${f.threshold ?? meta.threshold}, loss ${result.loss.toFixed(4)})\n${formatMetricsTable(result.metrics)}`);
          ctx.exit(0);
        } finally {
          // A failed run leaves no partial predictions file behind.
          if (preds !== undefined && !committed) {
            try {
              closeSync(preds);
            } catch {
              // already closed
            }
            rmSync(`${f.predictions}.tmp`, { force: true });
          }
          await ds.close();
          if (model instanceof OnnxRunner) await model.release();
        }
      });
  },
};
