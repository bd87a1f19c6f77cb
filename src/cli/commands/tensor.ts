// `ben19 tensor INPUT`: the model input of one patch as .npy (float32, NHWC with N = 1), from a patch folder or
// from record k of a TFRecord file, so it can be compared with other frameworks.
import { Option, type Command } from "commander";
import { statSync } from "node:fs";
import { patchNameInDir, readPatchDir } from "../../archive/patch.js";
import { OptionError } from "../../core/errors.js";
import { loadStats } from "../../io/stats-file.js";
import { buildInput } from "../../dataset/input.js";
import { DEFAULT_RESAMPLE, LAYOUTS, type LayoutName } from "../../contract/layouts.js";
import { encodeNpy } from "../../dataset/npy.js";
import { readRecords } from "../../tfrecord/reader.js";
import { decodeAt } from "../../tfrecord/schema.js";
import { requirePath } from "../paths.js";
import { createCore, RESAMPLE_METHODS, type Core, type ResampleMethod, type S1Bands } from "../../wasm/core.js";
import type { CommandContext, CommandModule } from "../command.js";
import { parseInteger } from "./parse.js";
import { writeFileDurable } from "../../io/durable.js";

interface TensorFlags {
  out: string;
  record: number;
  layout: LayoutName;
  resample: ResampleMethod;
  stats?: string;
  json?: boolean;
}

interface TensorSource {
  name: string;
  bands: Uint16Array[];
  s1?: S1Bands | undefined;
}

async function bandsOf(core: Core, input: string, record: number): Promise<TensorSource> {
  requirePath("INPUT", input, "file or folder", "a patch folder (12 GeoTIFFs) or a TFRecord file");
  if (statSync(input).isDirectory()) return readPatchDir(input, { labels: false }, patchNameInDir(input));
  for await (const r of readRecords(input, core)) {
    if (r.index === record) {
      const p = decodeAt(core, r.data, { file: input, record: r.index, offset: r.offset });
      return { name: p.patchName, bands: p.bands, s1: p.s1 };
    }
  }
  throw new OptionError("--record", record, `${input} has fewer than ${record + 1} records`);
}

export const command: CommandModule = {
  register(program: Command, ctx: CommandContext) {
    program
      .command("tensor")
      .summary("write the model input of one patch as .npy (float32 NHWC), from a patch folder or a TFRecord record")
      .argument("<input>", "a patch folder (12 GeoTIFFs) or a TFRecord file (MM records for --layout mm)")
      .requiredOption("-o, --out <file.npy>",
        "output file; kbranch writes <out>_10m.npy, <out>_20m.npy and <out>_60m.npy")
      .option("--record <k>", "record index when the input is a TFRecord file", parseInteger("--record"), 0)
      .addOption(new Option("--layout <layout>", "model input layout (mm: S2 + VV + VH of an MM record)")
        .choices(Object.keys(LAYOUTS)).default("stack10"))
      .addOption(new Option("--resample <method>", "how lower-resolution bands are upsampled")
        .choices(Object.keys(RESAMPLE_METHODS)).default(DEFAULT_RESAMPLE))
      .option("--stats <file>", "normalisation statistics from ben19 stats (default: the reference's)")
      .option("--json", "print what was written as JSON")
      .action(async (input: string, f: TensorFlags) => {
        const core = await createCore();
        const { name, bands, s1 } = await bandsOf(core, input, f.record);
        const stats = f.stats === undefined ? undefined : loadStats(f.stats);
        const tensors = buildInput(core, bands, { layout: f.layout, resample: f.resample, stats }, s1);
        const base = f.out.replace(/\.npy$/, "");
        const written = tensors.map((t) => {
          const file = tensors.length === 1 ? f.out : `${base}_${t.name}.npy`;
          writeFileDurable(file, encodeNpy(t.data, [1, ...t.shape]));
          return { file, shape: [1, ...t.shape] };
        });
        const json = { patch: name, layout: f.layout, resample: f.resample, tensors: written };
        if (f.json === true) ctx.io.out(`${JSON.stringify(json, null, 2)}\n`);
        else for (const w of written) ctx.io.out(`${name}: wrote ${w.file} float32 ${JSON.stringify(w.shape)}\n`);
        ctx.exit(0);
      });
  },
};
