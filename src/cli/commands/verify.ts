// `ben19 verify OUT`: re-checks a prep output; exit 0 only when everything holds.
import type { Command } from "commander";
import { verify, type Problem } from "../../verify/verify.js";
import type { CommandContext, CommandModule } from "../command.js";
import { EXIT } from "../exit.js";
import { requirePath } from "../paths.js";
import { progress } from "../progress.js";

interface VerifyFlags {
  root?: string;
  splits?: string[];
  json?: boolean;
  quiet?: boolean;
}

function line(p: Problem): string {
  const record = p.record !== undefined ? `record ${p.record}` : "";
  const patch = p.patch !== undefined ? `patch ${p.patch}` : "";
  const where = [p.file, record, patch].filter((s) => s !== undefined && s !== "");
  return `  - ${where.length > 0 ? `${where.join(", ")}: ` : ""}${p.message}\n`;
}

async function action(out: string, flags: VerifyFlags, ctx: CommandContext): Promise<void> {
  requirePath("OUT", out, "folder", "the output folder of ben19 prep (-o), which holds manifest.json");
  if (flags.root !== undefined) {
    const hint = "the archive root (the folder of patch folders, or its .tar/.tar.gz)";
    requirePath("--root_folder", flags.root, "file or folder", hint);
  }
  const quiet = flags.quiet === true || flags.json === true;
  const bar = progress(ctx.io, "verify", "records", quiet);
  const report = await verify({ out, root: flags.root, splits: flags.splits, onProgress: (d, t) => bar.update(d, t) });
  bar.finish(`${report.records} records checked`);
  if (flags.json === true) {
    ctx.io.out(`${JSON.stringify(report, null, 2)}\n`);
  } else if (report.ok) {
    const scope = flags.root !== undefined
      ? ", pixels and labels match the archive, record order matches the CSVs"
      : "";
    const checks = `CRCs, schema, manifest counts and sha256${scope}`;
    ctx.io.out(`OK: ${report.records} records in ${report.files} files: ${checks}\n`);
  } else {
    ctx.io.out(`FAILED: ${report.problems.length} problem(s) in ${out}:\n${report.problems.map(line).join("")}`);
  }
  ctx.exit(report.ok ? EXIT.ok : EXIT.failed);
}

export const command: CommandModule = {
  register(program: Command, ctx: CommandContext) {
    program
      .command("verify")
      .summary("check a prep output: CRCs, schema, manifest; with -r, pixels and labels against the archive")
      .argument("<out>", "the prep output folder (holding manifest.json)")
      .option("-r, --root_folder <dir>",
        "archive root: compare every record's pixels and labels with its source patch, and the record order with " +
        "the split CSVs")
      .option("-n, --splits <csv...>",
        "split CSVs to check coverage against (default with -r: the CSVs recorded in the manifest)")
      .option("--json", "print the report as JSON")
      .option("-q, --quiet", "no progress on stderr")
      .action((out: string, flags: VerifyFlags & { root_folder?: string }) =>
        action(out, { ...flags, root: flags.root_folder }, ctx));
  },
};
