// `ben19 import-tf1 ZIP|FOLDER [--model NAME] -o RUN`: the reference's pre-trained TensorFlow 1 checkpoints as a
// ben19 model folder for predict, eval, serve and `train --init`. See src/ckpt/import.ts.
import { Option, type Command } from "commander";
import { importTf1 } from "../../ckpt/import.js";
import { selectBackend } from "../../runtime/backend.js";
import { MODEL_NAMES, MODELS, type ModelName } from "../../models/registry.js";
import type { CommandContext, CommandModule } from "../command.js";

interface ImportFlags {
  model?: ModelName;
  out: string;
  json?: boolean;
}

export const command: CommandModule = {
  register(program: Command, ctx: CommandContext) {
    program
      .command("import-tf1")
      .summary("import the reference's TensorFlow 1 checkpoint (K-BranchCNN.zip, VGG16.zip, …) as a model folder")
      .argument("<checkpoint>", "the zip as published, its extracted folder, PREFIX.index or PREFIX")
      .addOption(new Option("--model <name>", "the network (default: inferred from the variable names)")
        .choices(MODEL_NAMES))
      .requiredOption("-o, --out <dir>", "model folder to write (model.json, weights.bin, ben19.json)")
      .option("--json", "print the result as JSON")
      .action(async (input: string, f: ImportFlags) => {
        // The cpu backend only holds the weights on their way to weights.bin: no heap limit, no set-up.
        await selectBackend("cpu");
        const r = await importTf1({ input, model: f.model, out: f.out });
        const json = { ...r, onesFilled: undefined, ones_filled: r.onesFilled }; // snake_case, as all ben19 JSON
        if (f.json === true) ctx.io.out(`${JSON.stringify(json, null, 2)}\n`);
        else {
          const ones = r.onesFilled > 0 ? `, ${r.onesFilled} absent batch-norm scales set to 1` : "";
          const values = r.values.toLocaleString("en-US");
          ctx.io.out(`${MODELS[r.model].title}: ${r.loaded} tensors (${values} values) from ${r.checkpoint}${ones}; `
            + `${r.ignored.length} other entries ignored (optimizer state, counters)\n`
            + `model folder: ${r.out} (use with predict/eval/serve --model, or train --init)\n`);
        }
        ctx.exit(0);
      });
  },
};
