// `ben19 bench`: measures prep and the WASM core on this machine (see src/bench/run.ts) and prints a table, JSON,
// or, with --compare, the ratios between two saved reports.
import { Option, type Command } from "commander";
import { formatComparison, formatReport, readReport, reportJson } from "../../bench/report.js";
import { PIPELINE_LAYOUTS, runBench, type BenchReport } from "../../bench/run.js";
import { OptionError } from "../../core/errors.js";
import { writeFileDurable } from "../../io/durable.js";
import type { LayoutName } from "../../contract/layouts.js";
import { SYNTH_LAYOUTS, type SynthLayout } from "../../synth/index.js";
import type { CommandContext, CommandModule } from "../command.js";
import { progress, type Progress } from "../progress.js";
import { parseInteger } from "./parse.js";

interface BenchFlags {
  root_folder?: string;
  splits?: string[];
  synth?: number;
  layout: SynthLayout;
  workers?: number[];
  pipeline?: LayoutName[];
  tmp?: string;
  json?: boolean;
  out?: string;
  compare?: string[];
  quiet?: boolean;
}

function workerList(value: string): number[] {
  const list = value.split(",").map((s) => Number(s.trim()));
  if (list.some((w) => !Number.isInteger(w) || w < 1 || w > 64)) {
    throw new OptionError("--workers", value, "expected worker counts from 1 to 64, comma-separated (e.g. 1,2)");
  }
  return list;
}

function layoutList(value: string): LayoutName[] {
  const list = value.split(",").map((s) => s.trim());
  for (const l of list) {
    if (!(PIPELINE_LAYOUTS as readonly string[]).includes(l)) {
      throw new OptionError("--pipeline", value, `expected some of ${PIPELINE_LAYOUTS.join(",")}`);
    }
  }
  return list as LayoutName[];
}

async function action(f: BenchFlags, ctx: CommandContext): Promise<void> {
  if (f.compare !== undefined) {
    if (f.compare.length !== 2) {
      throw new OptionError("--compare", f.compare, "expected two report files: --compare A.json B.json");
    }
    const [a, b] = f.compare as [string, string];
    ctx.io.out(formatComparison(readReport(a), readReport(b), [a, b]));
    ctx.exit(0);
    return;
  }
  if ((f.root_folder === undefined) !== (f.splits === undefined)) {
    const missing = f.root_folder === undefined;
    const [option, value] = missing ? ["-n/--splits", f.splits] : ["-r/--root_folder", f.root_folder];
    const why = "-r and -n go together (an archive and its split CSVs); leave both out to measure on --synth N patches";
    throw new OptionError(option, value, why);
  }
  if (f.root_folder !== undefined && f.synth !== undefined) {
    throw new OptionError("--synth", f.synth, "measure an archive (-r, -n) or a synthetic one (--synth), not both");
  }
  const quiet = f.quiet === true || f.json === true;
  let bar: Progress | undefined;
  const report: BenchReport = await runBench(
    {
      root: f.root_folder,
      splits: f.splits,
      synth: f.synth,
      layout: f.layout,
      workers: f.workers,
      pipeline: f.pipeline,
      tmp: f.tmp,
    },
    {
      onStage: (label, total, unit) => {
        bar?.finish("done");
        bar = total > 0 ? progress(ctx.io, label, unit, quiet) : undefined;
        if (total === 0 && !quiet) ctx.io.err(`${label}...\n`);
      },
      onProgress: (done, total) => bar?.update(done, total),
    },
  );
  bar?.finish("done");
  if (f.out !== undefined) writeFileDurable(f.out, reportJson(report));
  ctx.io.out(f.json === true ? reportJson(report) : formatReport(report));
  ctx.exit(0);
}

export const command: CommandModule = {
  register(program: Command, ctx: CommandContext) {
    program
      .command("bench")
      .summary("measure prep, the WASM core and the input pipeline on this machine")
      .description(
        "Measure on this machine, on a synthetic archive (--synth N, default 2000 patches) or a v1.0 archive folder\n" +
          "(-r, -n): the I/O floor (read the patch files, write as many bytes), prep end to end per worker count\n" +
          "(patches/s, MB/s, CPU per patch split into read / decode / encode / write), CRC32C GB/s, Example encode\n" +
          "records/s and the training input pipeline per model input layout. Temporary files go to --tmp (default\n" +
          "the OS temp folder) and are removed. Save the JSON with --out, then compare two runs with --compare A B.",
      )
      .option("-r, --root_folder <dir>", "a v1.0 archive folder to measure on (with -n)")
      .option("-n, --splits <csv...>", "its split CSVs")
      .option("--synth <n>", "patches of the synthetic archive (default 2000)", parseInteger("--synth"))
      .addOption(
        new Option("--layout <layout>", "GeoTIFF layout of the synthetic archive")
          .choices([...SYNTH_LAYOUTS])
          .default("default"),
      )
      .option("--workers <list>", "prep worker counts, comma-separated (default: 1 and all cores)", workerList)
      .option("--pipeline <list>", `model input layouts to measure (default ${PIPELINE_LAYOUTS.join(",")})`, layoutList)
      .option("--tmp <dir>", "folder for the temporary archive and outputs (put it on the disk to measure)")
      .option("--json", "print the report as JSON")
      .option("--out <file>", "also save the JSON report to this file (for --compare)")
      .option("--compare <files...>", "print the ratios between two saved reports A and B, and measure nothing")
      .option("-q, --quiet", "no progress on stderr")
      .action((f: BenchFlags) => action(f, ctx));
  },
};
