// `ben19 tensor INPUT`: the model input of one patch as .npy (float32, NHWC with N = 1), from a patch folder or
// from record k of a TFRecord file, so it can be compared with other frameworks.
import { Option, type Command } from "commander";
import { statSync } from "node:fs";
import { patchNameInDir, readPatchDir } from "../../archive/patch.js";
import { OptionError } from "../../core/errors.js";
import { loadStats } from "../../core/stats-file.js";
import { buildInput } from "../../dataset/input.js";
import { LAYOUTS, type LayoutName } from "../../dataset/layouts.js";
import { encodeNpy } from "../../dataset/npy.js";
import { readRecords } from "../../tfrecord/reader.js";
import { decodeAt } from "../../tfrecord/schema.js";
import { requirePath } from "../paths.js";
import { createCore, RESAMPLE_METHODS, type ResampleMethod } from "../../wasm/core.js";
import type { CommandContext, CommandModule } from "../command.js";
import { parseInteger } from "./parse.js";
import { writeFileAtomic } from "../../core/atomic.js";

interface TensorFlags {
  out: string;
  record: number;
  layout: LayoutName;
  resample: ResampleMethod;
  stats?: string;
  json?: boolean;
}

async function bandsOf(input: string, record: number): Promise<{ name: string; bands: Uint16Array[] }> {
  const core = await createCore();
  requirePath("INPUT", input, "file or folder", "a patch folder (12 GeoTIFFs) or a TFRecord file");
  if (statSync(input).isDirectory()) return readPatchDir(input, { labels: false }, patchNameInDir(input));
  for await (const r of readRecords(input, core)) {
    if (r.index === record) {
      const p = decodeAt(core, r.data, { file: input, record: r.index, offset: r.offset });
      return { name: p.patchName, bands: p.bands };
    }
  }
  throw new OptionError("--record", record, `${input} has fewer than ${record + 1} records`);
}

export const command: CommandModule = {
  register(program: Command, ctx: CommandContext) {
    program
      .command("tensor")
      .summary("write the model input of one patch as .npy (float32 NHWC), from a patch folder or a TFRecord record")
      .argument("<input>", "a patch folder (12 GeoTIFFs) or a TFRecord file")
      .requiredOption("-o, --out <file.npy>", "output file; kbranch writes <out>_10m.npy, <out>_20m.npy and <out>_60m.npy")
      .option("--record <k>", "record index when the input is a TFRecord file", parseInteger("--record"), 0)
      .addOption(new Option("--layout <layout>", "model input layout").choices(Object.keys(LAYOUTS)).default("stack10"))
      .addOption(new Option("--resample <method>", "how lower-resolution bands are upsampled").choices(Object.keys(RESAMPLE_METHODS)).default("tf1-bicubic"))
      .option("--stats <file>", "normalisation statistics from ben19 stats (default: the reference's)")
      .option("--json", "print what was written as JSON")
      .action(async (input: string, f: TensorFlags) => {
        const { name, bands } = await bandsOf(input, f.record);
        const tensors = buildInput(await createCore(), bands, { layout: f.layout, resample: f.resample, stats: f.stats === undefined ? undefined : loadStats(f.stats) });
        const base = f.out.replace(/\.npy$/, "");
        const written = tensors.map((t) => {
          const file = tensors.length === 1 ? f.out : `${base}_${t.name}.npy`;
          writeFileAtomic(file, encodeNpy(t.data, [1, ...t.shape]));
          return { file, shape: [1, ...t.shape] };
        });
        if (f.json === true) ctx.io.out(`${JSON.stringify({ patch: name, layout: f.layout, resample: f.resample, tensors: written }, null, 2)}\n`);
        else for (const w of written) ctx.io.out(`${name}: wrote ${w.file} float32 ${JSON.stringify(w.shape)}\n`);
        ctx.exit(0);
      });
  },
};
