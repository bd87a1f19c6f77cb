// `ben19 merge-manifests DIR...`: the part manifests of a `prep --part i/K` run → the single run's manifest.json.
import type { Command } from "commander";
import { mergeManifests, type MergeSummary } from "../../prep/merge.js";
import type { CommandContext, CommandModule } from "../command.js";
import { EXIT } from "../exit.js";
import { requirePath } from "../paths.js";
import { progress } from "../progress.js";

interface MergeFlags {
  out?: string;
  overwrite?: boolean;
  json?: boolean;
  quiet?: boolean;
}

function summaryJson(s: MergeSummary): unknown {
  return {
    out: s.out,
    parts: s.parts,
    moved: s.moved,
    splits: Object.fromEntries(Object.entries(s.manifest.splits)
      .map(([k, v]) => [k, { records: v.records, files: v.files.map((f) => f.file) }])),
  };
}

async function action(dirs: string[], flags: MergeFlags, ctx: CommandContext): Promise<void> {
  for (const dir of dirs) requirePath("DIR", dir, "folder", "the folders that `ben19 prep --part i/K -o DIR` wrote");
  const quiet = flags.quiet === true || flags.json === true;
  const bar = progress(ctx.io, "merge-manifests", "shards", quiet);
  const s = await mergeManifests({
    dirs, out: flags.out, overwrite: flags.overwrite === true, onProgress: (d, t) => bar.update(d, t),
  });
  bar.finish("shards checked");
  if (flags.json === true) {
    ctx.io.out(`${JSON.stringify(summaryJson(s), null, 2)}\n`);
  } else {
    for (const [name, v] of Object.entries(s.manifest.splits)) {
      ctx.io.out(`${name}: ${v.records} records in ${v.files.length} file(s)\n`);
    }
    const moved = s.moved.length > 0 ? `; moved ${s.moved.length} file(s) into it` : "";
    const check = `(check the whole output with: ben19 verify ${s.out})`;
    ctx.io.out(`merged ${s.parts} parts into ${s.out}/manifest.json${moved} ${check}\n`);
  }
  ctx.exit(EXIT.ok);
}

export const command: CommandModule = {
  register(program: Command, ctx: CommandContext) {
    program
      .command("merge-manifests")
      .summary("check the parts of a `prep --part i/K` run and write the single run's manifest.json")
      .description(
        "Check that every part 0 … K-1 of a `ben19 prep --part i/K` run is present exactly once, that all parts were " +
          "run with the same options, CSVs and ben19 version, and that every shard file is there with the size, " +
          "sha256 and record count its part recorded; then write the manifest.json a single run with --shards would " +
          "have written (the same bytes). Shard files and part manifests found outside the output folder are moved " +
          "into it.",
      )
      .argument("<dir...>", "folders holding manifest.part-<i>-of-<K>.json files and their shards")
      .option("-o, --out <dir>", "where to write manifest.json (default: the first folder)")
      .option("--overwrite", "replace a different manifest.json in the output folder")
      .option("--json", "print a machine-readable summary on stdout")
      .option("-q, --quiet", "no progress on stderr")
      .action((dirs: string[], flags: MergeFlags) => action(dirs, flags, ctx));
  },
};
