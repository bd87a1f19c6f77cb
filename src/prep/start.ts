// How a prep run starts in its output folder (with the folder's lock held): continue an unfinished run (--resume,
// after checking its journal), report a finished one (--resume on a run killed after its manifest), start afresh
// (after removing what earlier runs wrote, with --overwrite), or refuse to trip over either.
import { existsSync, readFileSync, rmSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { Ben19Error } from "../core/errors.js";
import { VERSION } from "../core/version.js";
import { exclusionInfo } from "./exclude.js";
import { streamed } from "./input.js";
import { readJournal, removeJournal, type Journal, type JournalOptions } from "./journal.js";
import type { PrepManifest } from "./manifest.js";
import { shardFileName, tempName } from "./naming.js";
import { removeEarlierRun } from "./overwrite.js";
import type { PrepPlan } from "./plan.js";
import { checkJournalWhole, checkResumable, prefixHash } from "./resume-check.js";

/** How the run starts; see the module comment. */
export type Start =
  | { kind: "fresh" }
  | { kind: "resume"; journal: Journal }
  | { kind: "finished"; manifest: PrepManifest };

/** The options and inputs that decide the output's bytes, for the journal's fingerprint. */
export function journalOptions(plan: PrepPlan): JournalOptions {
  const { o, kind, source } = plan;
  const st = kind === "folder" ? undefined : statSync(source.layout.root);
  return {
    tool: VERSION,
    root: o.root,
    input: st === undefined ? { kind } : { kind, size: st.size, mtime_ms: Math.floor(st.mtimeMs) },
    splits: source.splits.map((s, i) => ({ file: s.file, sha256: source.splitSha256[i] as string })),
    shards: o.shards,
    on_error: o.onError,
    update_json: o.updateJson,
    exclude: plan.lists.map(exclusionInfo),
    part: o.part === undefined ? null : { index: o.part.index, count: o.part.count },
    ...(source.archive !== undefined ? { archive: source.archive } : {}),
    ...(plan.mm !== undefined ? { mm: plan.mm.info } : {}),
  };
}

/** The manifest in `file` when it is that of a finished run with the options `jopts` (as far as it records them). */
function finishedManifest(file: string, jopts: JournalOptions): PrepManifest | undefined {
  let m: PrepManifest;
  try {
    m = JSON.parse(readFileSync(file, "utf8")) as PrepManifest;
  } catch {
    return undefined;
  }
  const same =
    m.tool?.version === jopts.tool &&
    m.options?.root === jopts.root &&
    m.options.shards === jopts.shards &&
    m.options.on_error === jopts.on_error &&
    m.options.update_json === jopts.update_json &&
    JSON.stringify(m.options.archive ?? null) === JSON.stringify(jopts.archive ?? null) &&
    JSON.stringify(m.options.exclude ?? []) === JSON.stringify(jopts.exclude) &&
    JSON.stringify(m.part === undefined ? null : { index: m.part.index, count: m.part.count }) ===
      JSON.stringify(jopts.part) &&
    JSON.stringify(Object.values(m.splits ?? {}).map((x) => ({ file: x.csv, sha256: x.csv_sha256 }))) ===
      JSON.stringify(jopts.splits);
  return same ? m : undefined;
}

/**
 * Decides how to start (read-only but for clearing what --resume finds unusable): see the module comment. The
 * --overwrite removal is left to clearForFreshStart, so that a run refused by its pre-check deletes nothing.
 */
export function decideStart(plan: PrepPlan, journalFile: string, jopts: JournalOptions): Start {
  const { o } = plan;
  const shards = plan.splits.flatMap((s) => plan.shardIndices.map((k) => shardFileName(s.name, k, o.shards)));
  const finals = [plan.manifestName, ...shards];
  // The shards' temporary files mark an unfinished run; a manifest's (writeFileAtomic's) is overwritten anyway.
  const temps = finals.slice(1).map((n) => join(o.out, tempName(n))).filter((f) => existsSync(f));
  const journal = existsSync(journalFile);
  if (journal || temps.length > 0) {
    if (o.resume && journal) {
      const j = readJournal(journalFile) as Journal;
      checkJournalWhole(j, journalFile);
      checkResumable(j, jopts, journalFile, (i) => {
        const s = j.splits[i];
        const names = plan.work[i];
        return !streamed(plan.kind) && s?.prefix_sha256 !== undefined && names !== undefined &&
          s.done <= names.length && prefixHash(names, s.done).digest("hex") === s.prefix_sha256;
      });
      return { kind: "resume", journal: j };
    }
    if (!o.resume && !o.overwrite) {
      const left = journal ? basename(journalFile) : basename(temps[0] as string);
      const message = `an unfinished run (killed, failed or still running) left ${left} in the output folder`;
      const hint = "rerun the same command with --resume to continue it, or with --overwrite to start over";
      throw new Ben19Error("E_UNFINISHED_OUTPUT", message, { file: o.out }, hint);
    }
    if (!o.overwrite) {
      // --resume with nothing durable recorded (killed before its first checkpoint): start afresh.
      for (const t of temps) rmSync(t, { force: true });
      removeJournal(journalFile);
    }
  }
  const finished = finishedManifest(join(o.out, plan.manifestName), jopts);
  if (o.resume && !o.overwrite && finished !== undefined) return { kind: "finished", manifest: finished };
  if (!o.overwrite) {
    for (const name of finals) {
      if (existsSync(join(o.out, name))) {
        const hint = "choose another -o folder or rerun with --overwrite";
        const message = "the output folder already holds a finished run";
        throw new Ben19Error("E_OUTPUT_EXISTS", message, { file: join(o.out, name) }, hint);
      }
    }
  }
  return { kind: "fresh" };
}

/** For a fresh start with --overwrite: removes what earlier runs wrote (overwrite.ts). */
export function clearForFreshStart(plan: PrepPlan, journalFile: string): void {
  if (!plan.o.overwrite) return;
  removeEarlierRun({
    out: plan.o.out, manifestName: plan.manifestName, journalFile, splits: plan.splits.map((s) => s.name),
    part: plan.o.part,
  });
}
