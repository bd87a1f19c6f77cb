// `ben19 ckpt list FILE [--json]`: every tensor of a TensorFlow checkpoint (zip, folder, PREFIX.index or PREFIX)
// with its dtype and shape — a user's first question about the reference's zips. Reads the index only.
import type { Command } from "commander";
import { listing, readCheckpoint } from "../../ckpt/checkpoint.js";
import type { CommandContext, CommandModule } from "../command.js";

export const command: CommandModule = {
  register(program: Command, ctx: CommandContext) {
    const ckpt = program.command("ckpt").summary("inspect TensorFlow checkpoints (the reference's pre-trained models)");
    ckpt
      .command("list")
      .summary("list a TensorFlow checkpoint's tensors: name, dtype, shape")
      .argument("<file>", "the zip, a folder holding one checkpoint, PREFIX.index or PREFIX")
      .option("--json", "print the listing as JSON")
      .action(async (file: string, f: { json?: boolean }) => {
        const c = await readCheckpoint(file);
        try {
          const l = listing(c);
          if (f.json === true) ctx.io.out(`${JSON.stringify(l, null, 2)}\n`);
          else {
            const width = Math.max(4, ...l.tensors.map((t) => t.name.length));
            const values = l.values.toLocaleString("en-US");
            ctx.io.out(`${l.checkpoint}: ${l.tensors.length} tensors, ${values} float32 values, `
              + `${l.shards} data shard(s), ${l.endianness}-endian\n`);
            for (const t of l.tensors) {
              ctx.io.out(`${t.name.padEnd(width)}  ${t.dtype.padEnd(8)} [${t.shape.join(", ")}]\n`);
            }
          }
        } finally {
          c.close();
        }
        ctx.exit(0);
      });
    // Sub-commands of `ckpt` inherit the CLI's output routing and no-exit behaviour too.
    for (const sub of ckpt.commands) {
      sub.exitOverride().configureOutput({ writeOut: (s) => ctx.io.out(s), writeErr: (s) => ctx.io.err(s) });
    }
  },
};
