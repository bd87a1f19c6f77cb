// `ben19 export RUN --format onnx -o model.onnx`: a trained model as an ONNX file (NHWC float32 inputs as ben19
// feeds them; outputs probabilities and logits; ben19.json as metadata_props) for ONNX Runtime, PyTorch tooling,
// TensorRT or a browser.
import { Option, type Command } from "commander";
import { existsSync } from "node:fs";
import { dirname } from "node:path";
import { OptionError } from "../../core/errors.js";
import { INPUT_LAYOUT, writeOnnx } from "../../export/onnx.js";
import { selectBackend } from "../../models/backend.js";
import { loadModel } from "../../models/io.js";
import type { CommandContext, CommandModule } from "../command.js";
import { requirePath } from "../paths.js";

export const EXPORT_FORMATS = ["onnx"] as const;

interface ExportFlags {
  format: (typeof EXPORT_FORMATS)[number];
  out: string;
  json?: boolean;
}

export const command: CommandModule = {
  register(program: Command, ctx: CommandContext) {
    program
      .command("export")
      .summary("write a trained model as an ONNX file (inputs NHWC, z-scored; metadata inside)")
      .argument("<run>", "a run folder from ben19 train (or its model/ folder)")
      .addOption(new Option("--format <format>", "output format").choices(EXPORT_FORMATS).default("onnx"))
      .requiredOption("-o, --out <file>", "the file to write, e.g. model.onnx (a temporary name, then renamed)")
      .option("--json", "print what was written as JSON")
      .action(async (run: string, f: ExportFlags) => {
        requirePath("RUN", run, "folder", "the run folder ben19 train wrote (or its model/ folder)");
        if (!existsSync(dirname(f.out))) {
          throw new OptionError("--out", f.out, `its folder ${dirname(f.out)} does not exist: create it first`);
        }
        // tfjs only holds the weights while the graph is written: the cpu backend needs no setup.
        await selectBackend("cpu");
        const loaded = await loadModel(run);
        const bytes = writeOnnx(loaded, f.out);
        const { meta } = loaded;
        const names = loaded.model.inputs.map((t) => t.name);
        const inputs = meta.inputs.map((i, k) => ({ name: names[k], shape: ["batch", ...i.shape], bands: i.bands }));
        const summary = {
          file: f.out, format: f.format, bytes, model: meta.model, layout: INPUT_LAYOUT, inputs,
          outputs: ["probabilities", "logits"], classes: meta.classes.length, threshold: meta.threshold,
        };
        if (f.json === true) ctx.io.out(`${JSON.stringify(summary)}\n`);
        else {
          const ins = inputs.map((i) => `${i.name} [${i.shape.join(", ")}] (${i.bands.join(" ")})`).join("; ");
          const size = `${(bytes / 1e6).toFixed(1)} MB`;
          const outputs = `probabilities and logits [batch, ${meta.classes.length}]`;
          ctx.io.out(`wrote ${f.out} (${size}): ${meta.model}, ${INPUT_LAYOUT} float32 inputs ${ins}, z-scored `
            + `with the statistics in its metadata; outputs ${outputs}\n`);
        }
        ctx.exit(0);
      });
  },
};
