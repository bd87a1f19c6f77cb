// `ben19 prep`: the reference's prep_splits_19_classes.py command line, plus sharding, workers and error modes.
import { Option, type Command } from "commander";
import { join } from "node:path";
import { OptionError } from "../../core/errors.js";
import { parseExcludeNames, type BundledListName } from "../../prep/exclude.js";
import { ERRORS_FILE } from "../../prep/naming.js";
import { PREP_DEFAULTS, type OnError } from "../../prep/options.js";
import { parsePart, type Part } from "../../prep/partition.js";
import { checkPrep, missingLine, missingPatchCount } from "../../prep/precheck.js";
import { prep, type PrepSummary } from "../../prep/run.js";
import type { CommandContext, CommandModule } from "../command.js";
import { progress } from "../progress.js";
import { parseInteger } from "./parse.js";

interface PrepFlags {
  root_folder: string;
  out_folder?: string;
  check?: boolean;
  splits?: string[];
  library: string;
  update_json?: boolean;
  shards: number;
  workers: number;
  onError: OnError;
  overwrite?: boolean;
  exclude?: BundledListName[];
  excludeList?: string[];
  part?: Part;
  resume?: boolean;
  journalInterval?: number;
  metadata?: string;
  includeSnowCloud?: boolean;
  root_folder_s1?: string;
  s1?: string;
  referenceMaps?: string;
  json?: boolean;
  quiet?: boolean;
}

function summaryJson(s: PrepSummary): unknown {
  return {
    out: s.out,
    ...(s.alreadyFinished === true ? { already_finished: true } : {}),
    seconds: Number(s.seconds.toFixed(3)),
    patches_per_second: Math.round(s.patchesPerSecond),
    workers: s.workers,
    timing_ms: {
      read: Math.round(s.timing.readMs),
      decode: Math.round(s.timing.decodeMs),
      encode: Math.round(s.timing.encodeMs),
      write: Math.round(s.timing.writeMs),
    },
    ...(s.manifest.part !== undefined ? { part: s.manifest.part } : {}),
    splits: Object.fromEntries(
      Object.entries(s.manifest.splits).map(([k, v]) => [k, {
        patches: v.patches, excluded: v.excluded, records: v.records, skipped: v.skipped,
        files: v.files.map((f) => f.file),
      }]),
    ),
    skipped: s.manifest.skipped,
  };
}

/** The S1 root from -r1/--root_folder_s1 or --s1 (one of them). */
function s1Root(flags: PrepFlags): string | undefined {
  if (flags.root_folder_s1 !== undefined && flags.s1 !== undefined) {
    throw new OptionError("--s1", flags.s1, "give the Sentinel-1 root once: -r1/--root_folder_s1 or --s1");
  }
  return flags.root_folder_s1 ?? flags.s1;
}

/** `--check`: every patch the run would read, checked for presence; all missing ones listed on stdout. */
async function check(flags: PrepFlags, ctx: CommandContext): Promise<void> {
  const r = await checkPrep({
    root: flags.root_folder, out: flags.out_folder ?? ".", splits: flags.splits, exclude: flags.exclude,
    excludeLists: flags.excludeList, part: flags.part, shards: flags.shards, onError: flags.onError,
    metadata: flags.metadata, includeSnowCloud: flags.includeSnowCloud === true,
    s1: s1Root(flags), referenceMaps: flags.referenceMaps,
  });
  if (flags.json === true) {
    ctx.io.out(`${JSON.stringify({ checked: r.checked, missing: r.missing }, null, 2)}\n`);
  } else if (r.missing.length === 0) {
    ctx.io.out(`OK: all ${r.checked} patches of the split CSVs are present with their 13 files\n`);
  } else {
    const lines = r.missing.map((m) => `${missingLine(m)}\n`).join("");
    ctx.io.out(`${lines}${missingPatchCount(r.missing)} of ${r.checked} patches are incomplete or missing\n`);
  }
  if (r.missing.length > 0 && flags.json !== true) {
    ctx.io.err("ben19: leave them out with --on-error skip (listed in errors.json) or --exclude-list FILE.csv " +
      "(their names), or restore them from the archive\n");
  }
  ctx.exit(r.missing.length === 0 ? 0 : 1);
}

async function action(flags: PrepFlags, ctx: CommandContext): Promise<void> {
  if (flags.library !== "tensorflow") {
    throw new OptionError("-l/--library", flags.library, 'only "tensorflow" (TFRecord output) is supported');
  }
  if (flags.check === true) return check(flags, ctx);
  if (flags.out_folder === undefined) {
    throw new OptionError("-o/--out_folder", null, "required (unless --check): the output folder");
  }
  const quiet = flags.quiet === true || flags.json === true;
  let current = "";
  let bar = progress(ctx.io, "", "patches", quiet);
  let last = { done: 0 };
  const summary = await prep(
    {
      root: flags.root_folder,
      out: flags.out_folder,
      splits: flags.splits,
      shards: flags.shards,
      workers: flags.workers,
      onError: flags.onError,
      updateJson: flags.update_json === true,
      overwrite: flags.overwrite === true,
      exclude: flags.exclude,
      excludeLists: flags.excludeList,
      part: flags.part,
      resume: flags.resume === true,
      journalSeconds: flags.journalInterval,
      metadata: flags.metadata,
      includeSnowCloud: flags.includeSnowCloud === true,
      s1: s1Root(flags),
      referenceMaps: flags.referenceMaps,
    },
    {
      onProgress: (p) => {
        if (p.order === "archive") {
          // A .tar.gz feeds every split at once, in archive order: one bar for the whole pass.
          if (current === "") bar = progress(ctx.io, "prep (archive order, all splits)", "patches", quiet);
          current = "all";
          last = { done: p.doneAll };
          bar.update(p.doneAll, p.totalAll);
          return;
        }
        if (p.split !== current) {
          if (current !== "") bar.finish(`${last.done} patches`);
          current = p.split;
          bar = progress(ctx.io, `prep ${p.split}`, "patches", quiet);
        }
        last = p;
        bar.update(p.done, p.total);
      },
    },
  );
  if (current !== "") bar.finish(`${last.done} patches`);
  const m = summary.manifest;
  if (flags.json === true) {
    ctx.io.out(`${JSON.stringify(summaryJson(summary), null, 2)}\n`);
  } else if (summary.alreadyFinished === true) {
    ctx.io.out(`${summary.out} already holds this run, finished (nothing to resume)\n`);
  } else {
    for (const [name, s] of Object.entries(m.splits)) {
      const byList = Object.entries(s.excluded_by_list ?? {}).map(([l, n]) => `${l} ${n}`).join(", ");
      const excluded = s.excluded !== undefined ? `, ${s.excluded} excluded (${byList})` : "";
      const skipped = s.skipped > 0 ? `, ${s.skipped} skipped` : "";
      ctx.io.out(`${name}: ${s.records} records in ${s.files.length} file(s)${excluded}${skipped}\n`);
    }
    if (m.part !== undefined) {
      const next = `when all ${m.part.count} parts are done: ben19 merge-manifests ${summary.out}`;
      ctx.io.out(`part ${m.part.index}/${m.part.count} done (shards ${m.part.shards.join(", ")}); ${next}\n`);
    }
    const t = summary.timing;
    ctx.io.out(
      `wrote ${summary.out} in ${summary.seconds.toFixed(2)} s ` +
        `(${Math.round(summary.patchesPerSecond)} patches/s, ${summary.workers} workers; ` +
        `read ${Math.round(t.readMs)} ms, decode ${Math.round(t.decodeMs)} ms, encode ${Math.round(t.encodeMs)} ms ` +
        `summed over workers, write ${Math.round(t.writeMs)} ms)\n`,
    );
  }
  if (m.skipped.length > 0) {
    ctx.io.err(`ben19: warning: ${m.skipped.length} patch(es) skipped; see ${join(summary.out, ERRORS_FILE)}\n`);
  }
  ctx.exit(0);
}

export const command: CommandModule = {
  register(program: Command, ctx: CommandContext) {
    program
      .command("prep")
      .summary("convert split CSVs of a BigEarthNet-S2 archive to TFRecord files (byte-identical to the reference)")
      .description(
        "Convert the patches listed in split CSVs to TFRecord files of tf.train.Example records, as the reference " +
          "prep_splits_19_classes.py does, in parallel and deterministically. Writes <out>/<split>.tfrecord (or " +
          "<split>_NN.tfrecord with --shards), manifest.json last; nothing gets a final name unless the run " +
          "succeeds.\n\n--part i/K runs one of K independent jobs (i = 0 … K-1, e.g. $SLURM_ARRAY_TASK_ID or " +
          "$JOB_COMPLETION_INDEX): part i writes the shard files NN with NN mod K = i, byte-identical to a single " +
          "run's, and manifest.part-<i>-of-<K>.json; K must divide --shards. The parts may share one output folder. " +
          "Then `ben19 merge-manifests OUT...` checks the parts and writes the single run's manifest.json.\n\n" +
          "--exclude / --exclude-list drop listed patches from every split before records are numbered. The official " +
          "splits (the default) already exclude the snow, cloud and no19 patches, so with them nothing is " +
          "dropped.\n\n-r may be the archive's tarball, read without extracting it: a .tar is indexed (headers only) " +
          "and then read at offsets, giving the same bytes as the folder; a .tar.gz/.tgz is read in one pass and " +
          "records are written in the tarball's order (manifest: options.order \"archive\" and each split's " +
          "order_sha256).\n\nreBEN (BigEarthNet v2.0) is detected from -r: the folder holding BigEarthNet-S2/ and " +
          "metadata.parquet (or BigEarthNet-S2/ itself, or BigEarthNet-S2.tar.zst, with --metadata FILE). Without -n " +
          "its splits come from the metadata (train, validation, test); patches with seasonal snow, cloud or shadow " +
          "are left out unless --include-snow-cloud (which needs " +
          "metadata_for_patches_with_snow_cloud_or_shadow.parquet beside " +
          "metadata.parquet). The records have the same schema as v1.0's.\n\n" +
          "Before any work, every patch is checked for presence (folder or .tar index, 13 files): under --on-error " +
          "fail all missing ones are listed at once; --check runs only this check. A killed run (kill -9, power " +
          "loss) or one stopped by a bad patch keeps its work and a journal; rerun the same command with --resume to " +
          "continue it, or with --overwrite to start over. One run at a time per output folder (per part): a lock " +
          "file says who holds it; a killed run's lock is taken over.",
      )
      .requiredOption("-r, --root_folder <dir>",
        "archive root: the folder holding one folder per patch (reBEN: BigEarthNet-S2/ and metadata.parquet), " +
        "or the archive as .tar (records in CSV order) or .tar.gz/.tgz/.tar.zst (one pass, records in archive " +
        "order); see below")
      .option("-o, --out_folder <dir>", "output folder (created if missing; required unless --check)")
      .option("-n, --splits <csv...>",
        "split CSVs (.csv or .csv.gz; split name = file name up to its first dot) (default: the bundled official " +
        "train, val and test splits; reBEN: the metadata's train, validation and test)")
      .option("--metadata <file>",
        "reBEN (v2.0): the metadata.parquet (default: the one beside BigEarthNet-S2/ or the .tar.zst)")
      .option("--include-snow-cloud", "reBEN: keep the patches with seasonal snow, cloud or shadow")
      .option("--root_folder_s1 <dir>",
        "MM records (v1.0, as BigEarthNet-MM's script: -r1): the BigEarthNet-S1 root; " +
        "-n CSVs then have two columns, <S2 patch>,<S1 patch>; -r2/--root_folder_s2 is -r")
      .option("--s1 <dir>", "MM records (reBEN): BigEarthNet-S1/ (tile folders); each patch's partner is its s1_name")
      .option("--reference-maps <dir>", "reBEN MM records: Reference_Maps/, adding reference_map (CLC codes)")
      .option("-l, --library <name>", "output library; only tensorflow (TFRecord)", "tensorflow")
      .option("--update_json", "add BigEarthNet_19_labels to each processed patch's JSON file")
      .option("--shards <k>", "files per split; record i goes to shard i mod K", parseInteger("--shards"),
        PREP_DEFAULTS.shards)
      .option("--workers <n>", "worker threads", parseInteger("--workers"), PREP_DEFAULTS.workers)
      .addOption(new Option("--on-error <mode>",
        "on a bad patch: stop (the work before it is kept for --resume), or leave it out and list it in errors.json")
        .choices(["fail", "skip"]).default("fail"))
      .option("--check",
        "only check that every patch of the CSVs is present (13 files each), list the missing ones, write nothing")
      .option("--overwrite",
        "replace what an earlier run wrote in the output folder (all its shard files, manifest, journal)")
      .option("--exclude <lists>",
        "leave out the patches of bundled lists: snow, cloud, no19, comma-separated (nothing is dropped from the " +
        "official splits: they already exclude them)",
        (v: string, prev: BundledListName[] | undefined) => [...(prev ?? []), ...parseExcludeNames(v)])
      .option("--exclude-list <csv>", "leave out the patches of this CSV (first column; repeatable)",
        (v: string, prev: string[] | undefined) => [...(prev ?? []), v])
      .option("--part <i/K>",
        "process only part i (0-based) of K, for job arrays; K must divide --shards; see above", parsePart)
      .option("--resume",
        "continue the unfinished (killed) run in the output folder, to the same bytes; the same options are required " +
        "(without an unfinished run: start one)")
      .addOption(new Option("--journal-interval <seconds>", "seconds between durable checkpoints for --resume")
        .argParser(Number).default(PREP_DEFAULTS.journalSeconds).hideHelp())
      .option("--json", "print a machine-readable summary on stdout")
      .option("-q, --quiet", "no progress on stderr")
      .action((flags: PrepFlags) => action(flags, ctx));
  },
};
