// `ben19 synth`: a deterministic synthetic archive in the exact v1 layout, for trying everything without the real data.
import { Option, type Command } from "commander";
import { SYNTH_LAYOUTS, synthArchive, type SynthLayout } from "../../synth/index.js";
import { synthArchiveV2 } from "../../synth/v2.js";
import type { CommandContext, CommandModule } from "../command.js";
import { progress } from "../progress.js";
import { parseInteger } from "./parse.js";

interface SynthFlags {
  out: string;
  patches: number;
  seed: number;
  layout: SynthLayout;
  archive: "v1" | "v2";
  s1?: string;
  referenceMaps?: string;
  json?: boolean;
  quiet?: boolean;
}

export const command: CommandModule = {
  register(program: Command, ctx: CommandContext) {
    program
      .command("synth")
      .summary("write a deterministic synthetic BigEarthNet-S2 v1 archive (real layout, names and labels)")
      .description(
        "Write a synthetic archive: one folder per patch with 12 GeoTIFFs (UInt16, native sizes, UTM GeoTIFF tags) " +
          "and the label JSON, plus splits/{train,val,test}.csv and snow/cloud lists. Pixels depend on the labels, " +
          "so models can learn them. The same seed gives the same pixels and labels whatever the layout.",
      )
      .requiredOption("-o, --out <dir>", "output folder (the archive root)")
      .option("--patches <n>", "number of patches", parseInteger("--patches"), 100)
      .option("--seed <s>", "random seed", parseInteger("--seed"), 1)
      .addOption(new Option("--layout <layout>", "GeoTIFF layout of the band files (mixed varies it per patch)")
        .choices([...SYNTH_LAYOUTS]).default("default"))
      .addOption(new Option("--archive <version>",
        "v1: BigEarthNet-v1.0 (folder per patch, JSON, split CSVs); v2: reBEN (BigEarthNet-S2/<tile>/<patch>/, " +
        "NoData tag, metadata.parquet and the snow/cloud table)").choices(["v1", "v2"]).default("v1"))
      .option("--s1 <dir>", "also write each patch's Sentinel-1 partner (Float32 VV/VH) under this folder; " +
        "v1 adds the S1 label JSON and MM split CSVs (<s2>,<s1>) in <out>/splits-mm/")
      .option("--reference-maps <dir>",
        "v2: also write each patch's reference map (UInt16 CORINE codes, DEFLATE) under this folder")
      .option("--json", "print a machine-readable summary on stdout")
      .option("-q, --quiet", "no progress on stderr")
      .action(async (f: SynthFlags) => {
        const bar = progress(ctx.io, "synth", "patches", f.quiet === true || f.json === true);
        const { out, patches, seed, layout, s1, referenceMaps } = f;
        const opts = { out, patches, seed, layout, s1, referenceMaps };
        if (f.archive === "v2") {
          const s = await synthArchiveV2({ ...opts, onProgress: (d, t) => bar.update(d, t) });
          bar.finish(`${f.patches} patches`);
          const c = s.counts;
          const counts = {
            train: c.train, validation: c.validation, test: c.test, snow_cloud: c.snowCloud, no_label_19: c.noLabel19,
          };
          const summary = {
            out: s.out, archive: "v2", patches: s.rows.length + s.snowCloudRows.length, seed: f.seed, layout: f.layout,
            metadata: s.metadata, snow_cloud_metadata: s.snowCloud, s1: f.s1 ?? null,
            reference_maps: f.referenceMaps ?? null,
            counts,
          };
          if (f.json === true) ctx.io.out(`${JSON.stringify(summary, null, 2)}\n`);
          else {
            const n = s.rows.length + s.snowCloudRows.length;
            ctx.io.out(`wrote ${n} reBEN (v2.0) patches (${f.layout} layout, seed ${f.seed}) to ${s.out}\n`);
            const left = `${c.snowCloud} snow/cloud/shadow patches in the companion table; ` +
              `${c.noLabel19} no-19-label patches left out`;
            ctx.io.out(`metadata.parquet: train ${c.train}, validation ${c.validation}, test ${c.test}; ${left}\n`);
          }
          ctx.exit(0);
          return;
        }
        const s = await synthArchive({ ...opts, onProgress: (d, t) => bar.update(d, t) });
        bar.finish(`${s.patches.length} patches`);
        const { train, val, test, snow, cloud, noLabel19 } = s.counts;
        const summary = {
          out: s.out, patches: s.patches.length, seed: f.seed, layout: f.layout, splits: s.splits, lists: s.lists,
          s1: s.mm?.s1 ?? null, mm_splits: s.mm?.splits ?? null,
          counts: { train, val, test, snow, cloud, no_label_19: noLabel19 },
        };
        if (f.json === true) ctx.io.out(`${JSON.stringify(summary, null, 2)}\n`);
        else {
          const c = s.counts;
          ctx.io.out(`wrote ${s.patches.length} patches (${f.layout} layout, seed ${f.seed}) to ${s.out}\n`);
          const left = `${c.snow} snow, ${c.cloud} cloud/shadow and ${c.noLabel19} no-19-label patches left out, ` +
            "as in the official splits";
          ctx.io.out(`splits: train ${c.train}, val ${c.val}, test ${c.test} (in ${s.out}/splits; ${left})\n`);
        }
        ctx.exit(0);
      });
  },
};
