// `ben19 predict --model RUN INPUT...`: 19-class labels with probabilities for patch folders (the 12 GeoTIFFs)
// or TFRecord files, preprocessed with the model's own metadata.
import { Option, type Command } from "commander";
import { DurableFile } from "../../io/durable.js";
import { OnnxRunner } from "../../export/onnx-runner.js";
import { addBackendOptions, startBackend, type RunBackendFlags } from "./backend-options.js";
import { loadModel } from "../../models/io.js";
import { LABELS_19 } from "../../labels/nomenclature.js";
import { predict, PREDICT_DEFAULTS, type Prediction, type PredictOnError } from "../../training/predict.js";
import type { CommandContext, CommandModule } from "../command.js";
import { requirePath } from "../paths.js";
import { parseInteger, parseProbability } from "./parse.js";

interface PredictFlags extends RunBackendFlags {
  model: string;
  threshold?: number;
  batchSize: number;
  onError: PredictOnError;
  csv?: string;
  json?: boolean;
}

const quote = (s: string): string => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** The CSV header: patch, source, the 19 probabilities (columns named by class) and the predicted labels. */
export const CSV_HEADER = ["patch_name", "source", ...LABELS_19, "predicted_labels"].map(quote).join(",");

/** One CSV row; predicted labels are joined by "; " (class names hold commas, never semicolons). */
export function csvRow(p: Prediction): string {
  const predicted = p.labels.map((l) => l.name).join("; ");
  return [p.patch, p.source, ...p.probabilities.map((v) => v.toPrecision(7)), predicted].map(quote).join(",");
}

/** The --json line of a prediction, with snake_case keys like every JSON file ben19 writes. */
function jsonOf(p: Prediction): object {
  const { patch, source, probabilities, labels, trueLabels } = p;
  return { patch_name: patch, source, probabilities, labels, true_labels: trueLabels };
}

function show(p: Prediction): string {
  const labels = p.labels.length === 0
    ? "  (no class above the threshold)"
    : p.labels.map((l) => `  ${l.probability.toFixed(3)}  ${l.name}`).join("\n");
  const truth = p.trueLabels === undefined ? "" : `\n  true: ${p.trueLabels.join("; ") || "(none)"}`;
  return `${p.patch} (${p.source})\n${labels}${truth}\n`;
}

export const command: CommandModule = {
  register(program: Command, ctx: CommandContext) {
    addBackendOptions(program.command("predict"), { onnx: true })
      .summary("predict the 19-class labels of patch folders or TFRecord files with a trained model")
      .argument("<inputs...>", "patch folders (12 GeoTIFFs <patch>_B01.tif …, whatever the folder is called; " +
        "no label file needed; for an mm model each followed by its S1 folder with <s1 patch>_VV.tif, _VH.tif) " +
        "or TFRecord files (MM records for an mm model)")
      .requiredOption("--model <run>", "a run folder from ben19 train (or its model/ folder)")
      .option("--threshold <p>", "probability (0-1) at which a label is predicted (default: the model's, 0.5)",
        parseProbability("--threshold"))
      .option("--batch-size <n>", "patches per forward pass", parseInteger("--batch-size"),
        PREDICT_DEFAULTS.batchSize)
      .addOption(new Option("--on-error <mode>", "an input that is not a patch folder or TFRecord file: stop (fail), " +
        "or warn on stderr and predict the rest (skip)")
        .choices(["fail", "skip"]).default("fail"))
      .option("--csv <file>", "write the predictions as CSV: patch_name, source, the 19 class probabilities, " +
        "predicted_labels")
      .option("--json", "print one JSON object per patch (JSON lines), with all 19 probabilities")
      .action(async (inputs: string[], f: PredictFlags) => {
        requirePath("--model", f.model, "folder", "the run folder ben19 train wrote (or its model/ folder)");
        for (const input of inputs) requirePath("INPUTS", input, "file or folder", "patch folders or TFRecord files");
        const { onnx } = await startBackend(f, ctx);
        const loaded = await loadModel(f.model);
        const runner = onnx ? await OnnxRunner.fromModel(loaded, f.threads) : undefined;
        const csv = f.csv === undefined ? undefined : new DurableFile(f.csv);
        let count = 0;
        let skipped = 0;
        try {
          csv?.write(`${CSV_HEADER}\n`);
          const onSkip = (input: string, e: { describe(): string }): void => {
            skipped++;
            ctx.io.err(`predict: warning: skipped ${input}: ${e.describe()}\n`);
          };
          const options = { threshold: f.threshold, batchSize: f.batchSize, onError: f.onError, onSkip, onnx: runner };
          for await (const p of predict(loaded, inputs, options)) {
            count++;
            if (csv !== undefined) csv.write(`${csvRow(p)}\n`);
            else ctx.io.out(f.json === true ? `${JSON.stringify(jsonOf(p))}\n` : show(p));
          }
          if (csv !== undefined) {
            csv.commit();
            ctx.io.out(`wrote ${count} predictions to ${f.csv}\n`);
          }
        } finally {
          // A failed run leaves no partial CSV behind (nothing to do once committed).
          csv?.abort();
          loaded.model.dispose();
          await runner?.release();
        }
        if (skipped > 0) {
          ctx.io.err(`predict: ${count} patches predicted, ${skipped} input(s) skipped (see the warnings above)\n`);
        }
        if (count === 0) ctx.io.err("predict: no patch was predicted: the inputs hold no readable patch\n");
        ctx.exit(count === 0 ? 1 : 0);
      });
  },
};
