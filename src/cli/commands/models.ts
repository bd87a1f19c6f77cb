// `ben19 models`: the six reference networks with their input layout, parameter and layer counts (counted on
// the built network; the test checks them against counts derived by hand from the architectures).
import type { Command } from "commander";
import { inputSpecs } from "../../contract/layouts.js";
import { selectBackend } from "../../runtime/backend.js";
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
          const inputs = inputSpecs(spec.layout).map((i) => i.shape);
          const reference_batch_size = spec.batchSize;
          return { name, title: spec.title, layout: spec.layout, inputs, ...size, reference_batch_size };
        });
        if (f.json === true) ctx.io.out(`${JSON.stringify(rows, null, 2)}\n`);
        else {
          ctx.io.out("model      network      layout   input (H×W×C)                    " +
            "parameters   trainable  layers  ref. batch\n");
          for (const r of rows) {
            const inputs = r.inputs.map((s) => s.join("×")).join(" + ");
            const params = r.params.toLocaleString("en-US").padStart(11);
            const trainable = r.trainable.toLocaleString("en-US").padStart(11);
            const counts = `${params} ${trainable} ${String(r.layers).padStart(7)} ` +
              String(r.reference_batch_size).padStart(11);
            const names = `${r.name.padEnd(10)} ${r.title.padEnd(12)} ${r.layout.padEnd(8)}`;
            ctx.io.out(`${names} ${inputs.padEnd(32)} ${counts}\n`);
          }
        }
        ctx.exit(0);
      });
  },
};
