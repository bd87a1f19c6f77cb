// `ben19 predict --model RUN INPUT...`: 19-class labels with probabilities for patch folders (the 12 GeoTIFFs)
// or TFRecord files, preprocessed with the model's own metadata.
import type { Command } from "commander";
import { OnnxRunner } from "../../export/onnx-runner.js";
import { addBackendOptions, startBackend, type RunBackendFlags } from "./backend-options.js";
import { loadModel } from "../../models/io.js";
import { predict, type Prediction } from "../../training/predict.js";
import type { CommandContext, CommandModule } from "../command.js";
import { parseInteger, parseNumber } from "./parse.js";

interface PredictFlags extends RunBackendFlags {
  model: string;
  threshold?: number;
  batchSize: number;
  json?: boolean;
}

export const command: CommandModule = {
  register(program: Command, ctx: CommandContext) {
    addBackendOptions(program.command("predict"), { onnx: true })
      .summary("predict the 19-class labels of patch folders or TFRecord files with a trained model")
      .argument("<inputs...>", "patch folders (12 GeoTIFFs; no label file needed) or TFRecord files")
      .requiredOption("--model <run>", "a run folder from ben19 train (or its model/ folder)")
      .option("--threshold <p>", "probability at which a label is predicted (default: the model's, 0.5)", parseNumber("--threshold"))
      .option("--batch-size <n>", "patches per forward pass", parseInteger("--batch-size"), 32)
      .option("--json", "print one JSON object per patch (JSON lines), with all 19 probabilities")
      .action(async (inputs: string[], f: PredictFlags) => {
        const { onnx } = await startBackend(f, ctx);
        const loaded = await loadModel(f.model);
        const runner = onnx ? await OnnxRunner.fromModel(loaded, f.threads) : undefined;
        const show = (p: Prediction): string => {
          const labels = p.labels.length === 0 ? "  (no class above the threshold)" : p.labels.map((l) => `  ${l.probability.toFixed(3)}  ${l.name}`).join("\n");
          const truth = p.trueLabels === undefined ? "" : `\n  true: ${p.trueLabels.join("; ") || "(none)"}`;
          return `${p.patch} (${p.source})\n${labels}${truth}\n`;
        };
        for await (const p of predict(loaded, inputs, { threshold: f.threshold, batchSize: f.batchSize, onnx: runner })) {
          ctx.io.out(f.json === true ? `${JSON.stringify({ ...p, classes: undefined })}\n` : show(p));
        }
        await runner?.release();
        ctx.exit(0);
      });
  },
};
