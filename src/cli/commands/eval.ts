// `ben19 eval --model RUN --data SHARDS...`: the reference's metrics (names as in its eval_result.json) of a
// saved model on TFRecord shards, preprocessed with the model's own metadata.
import type { Command } from "commander";
import { OnnxRunner } from "../../export/onnx-runner.js";
import { loadModel } from "../../models/io.js";
import { addBackendOptions, startBackend, type RunBackendFlags } from "./backend-options.js";
import { evaluate, EVAL_DEFAULTS } from "../../training/evaluate.js";
import { formatMetricsTable, metricsToJSON } from "../../training/metrics/index.js";
import type { CommandContext, CommandModule } from "../command.js";
import { progress } from "../progress.js";
import { parseInteger, parseProbability } from "./parse.js";
import { requirePath } from "../paths.js";
import { expandShards } from "../../dataset/files.js";
import { checkFirstRecords } from "../../tfrecord/schema.js";
import { createCore } from "../../wasm/core.js";
import { writeFileDurable } from "../../io/durable.js";

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

export const command: CommandModule = {
  register(program: Command, ctx: CommandContext) {
    addBackendOptions(program.command("eval"), { onnx: true })
      .summary("evaluate a trained model on TFRecord shards with the reference's multi-label metrics")
      .requiredOption("--model <run>", "a run folder from ben19 train (or its model/ folder)")
      .requiredOption("--data <shards...>", "TFRecord shards (paths or globs)")
      .option("--out <metrics.json>", "write the metrics as JSON (the reference's names)")
      .option("--predictions <preds.csv>", "write one row per patch: name, 19 true labels, 19 probabilities")
      .option("--threshold <p>", "probability (0-1) at which a label is predicted (default: the model's, 0.5)",
        parseProbability("--threshold"))
      .option("--batch-size <n>", "patches per forward pass", parseInteger("--batch-size"), EVAL_DEFAULTS.batchSize)
      .option("--workers <n>", "decode worker threads (default: the number of cores)", parseInteger("--workers"))
      .option("--json", "print the metrics as JSON")
      .option("-q, --quiet", "no progress on stderr")
      .action(async (f: EvalFlags) => {
        requirePath("--model", f.model, "folder", "the run folder ben19 train wrote (or its model/ folder)");
        const files = expandShards(f.data, "--data");
        await checkFirstRecords(files, await createCore());
        const { onnx } = await startBackend(f, ctx);
        const loaded = await loadModel(f.model);
        // ONNX Runtime runs an in-memory export of the model; tfjs its logits view (inside evaluate()).
        const runner = onnx ? await OnnxRunner.fromModel(loaded, f.threads) : undefined;
        const bar = progress(ctx.io, "eval", "patches", f.quiet === true || f.json === true);
        const result = await evaluate({
          model: loaded, onnx: runner, data: f.data, threshold: f.threshold, batchSize: f.batchSize,
          workers: f.workers, predictions: f.predictions, onProgress: (done, total) => bar.update(done, total),
        }).finally(() => runner?.release());
        bar.finish(`${result.count} patches, loss ${result.loss.toFixed(4)}`);
        const json = metricsToJSON(result.metrics);
        if (f.out !== undefined) writeFileDurable(f.out, `${json}\n`);
        if (f.json === true) ctx.io.out(`${json}\n`);
        else {
          const loss = result.loss.toFixed(4);
          const head = `${result.meta.model} on ${f.data.join(" ")} (threshold ${result.threshold}, loss ${loss})`;
          ctx.io.out(`${head}\n${formatMetricsTable(result.metrics)}`);
        }
        ctx.exit(0);
      });
  },
};
