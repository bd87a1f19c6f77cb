// `ben19 stats SHARDS...`: per-band mean and standard deviation, usable as --stats everywhere.
import type { Command } from "commander";
import { writeFileDurable } from "../../io/durable.js";
import { BAND_NAMES } from "../../core/bands.js";
import { S1_BANDS } from "../../tfrecord/mm-schema.js";
import { expandShards } from "../../dataset/files.js";
import { bandStats } from "../../dataset/stats.js";
import type { CommandContext, CommandModule } from "../command.js";
import { progress } from "../progress.js";

export const command: CommandModule = {
  register(program: Command, ctx: CommandContext) {
    program
      .command("stats")
      .summary("per-band mean and standard deviation over TFRecord shards (float64, streaming)")
      .argument("<shards...>", "TFRecord files written by prep (paths or globs such as out/train_*.tfrecord)")
      .option("-o, --out <file>", "write the statistics as JSON (usable as --stats)")
      .option("--json", "print the statistics as JSON")
      .option("-q, --quiet", "no progress on stderr")
      .action(async (shards: string[], f: { out?: string; json?: boolean; quiet?: boolean }) => {
        const bar = progress(ctx.io, "stats", "records", f.quiet === true || f.json === true);
        const s = await bandStats(expandShards(shards, "SHARDS"), (n) => bar.update(n, n));
        bar.finish(`${s.provenance.records} records`);
        const text = `${JSON.stringify(s, null, 2)}\n`;
        if (f.out !== undefined) {
          writeFileDurable(f.out, text);
        }
        if (f.json === true) ctx.io.out(text);
        else {
          ctx.io.out(`band   mean          std           (${s.provenance.records} records)\n`);
          for (const b of [...BAND_NAMES, ...S1_BANDS]) {
            const v = s.bands[b];
            if (v === undefined) continue;
            ctx.io.out(`${b.padEnd(6)} ${v.mean.toFixed(4).padStart(12)}  ${v.std.toFixed(4).padStart(12)}\n`);
          }
          if (f.out !== undefined) ctx.io.out(`wrote ${f.out}\n`);
        }
        ctx.exit(0);
      });
  },
};
