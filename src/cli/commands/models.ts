// `ben19 models`: the six reference networks with their input layout, parameter and layer counts (counted on
// the built network; the test checks them against counts derived by hand from the architectures).
import type { Command } from "commander";
import { LAYOUTS } from "../../dataset/layouts.js";
import { selectBackend } from "../../models/backend.js";
import { MODEL_NAMES, MODELS, modelSize } from "../../models/registry.js";
import type { CommandContext, CommandModule } from "../command.js";

export const command: CommandModule = {
  register(program: Command, ctx: CommandContext) {
    program
      .command("models")
      .summary("list the reference networks: input layout, parameters, layers")
      .option("--json", "print the list as JSON")
      .action(async (f: { json?: boolean }) => {
        // Building needs a backend only to hold the initial weights; cpu needs no setup.
        await selectBackend("cpu");
        const rows = MODEL_NAMES.map((name) => {
          const spec = MODELS[name];
          const model = spec.build(0);
          const size = modelSize(model);
          model.dispose();
          const inputs = LAYOUTS[spec.layout].map((t) => [t.side, t.side, t.bands.length]);
          return { name, title: spec.title, layout: spec.layout, inputs, ...size, reference_batch_size: spec.batchSize };
        });
        if (f.json === true) ctx.io.out(`${JSON.stringify(rows, null, 2)}\n`);
        else {
          ctx.io.out("model      network      layout   input (H×W×C)                    parameters   trainable  layers  ref. batch\n");
          for (const r of rows) {
            const inputs = r.inputs.map((s) => s.join("×")).join(" + ");
            ctx.io.out(`${r.name.padEnd(10)} ${r.title.padEnd(12)} ${r.layout.padEnd(8)} ${inputs.padEnd(32)} ${r.params.toLocaleString("en-US").padStart(11)} ${r.trainable.toLocaleString("en-US").padStart(11)} ${String(r.layers).padStart(7)} ${String(r.reference_batch_size).padStart(11)}\n`);
          }
        }
        ctx.exit(0);
      });
  },
};
