// Whether an unfinished run's journal may be continued by this run. The journal must be whole (its fingerprint is
// that of its options, its counts add up), and the options must be the same — except two that do not change the
// records already written, so that a run stopped by a bad patch at hour 3 continues instead of starting over:
// --on-error fail → skip, and other exclusion lists, as long as each split's patches done so far are exactly the
// ones this run would have done first (the journal keeps a sha256 of their names: prefix_sha256, CSV order only).
import { createHash, type Hash } from "node:crypto";
import { Ben19Error, clip } from "../core/errors.js";
import { fingerprint, type Journal, type JournalOptions } from "./journal.js";

/** A running sha256 over the names of a split's patches done, in order; see the module comment. */
export function prefixHash(names: readonly string[], done: number): Hash {
  const h = createHash("sha256");
  for (let i = 0; i < done; i++) h.update(`${names[i] as string}\n`);
  return h;
}

/** Each leaf that differs between two JSON values, as "path: the unfinished run had X, this one has Y". */
export function leafDifferences(was: unknown, now: unknown, path = ""): string[] {
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;
  if (isObj(was) && isObj(now) && Array.isArray(was) === Array.isArray(now)) {
    const keys = [...new Set([...Object.keys(was), ...Object.keys(now)])];
    return keys.flatMap((k) => {
      const at = Array.isArray(was) ? `${path}[${k}]` : path === "" ? k : `${path}.${k}`;
      return leafDifferences(was[k], now[k], at);
    });
  }
  if (JSON.stringify(was) === JSON.stringify(now)) return [];
  const had = clip(JSON.stringify(was) ?? "nothing");
  return [`${path}: the unfinished run had ${had}, this one has ${clip(JSON.stringify(now) ?? "nothing")}`];
}

const START_OVER = "rerun without --resume and with --overwrite to start over";

/** Throws E_RESUME_DAMAGED when the journal's own figures do not add up (it was edited or damaged). */
export function checkJournalWhole(j: Journal, file: string): void {
  const bad = (what: string): never => {
    throw new Ben19Error("E_RESUME_DAMAGED", `the resume journal is inconsistent: ${what}`, { file }, START_OVER);
  };
  if (j.fingerprint !== fingerprint(j.options)) bad("its fingerprint is not that of its options");
  let skipped = 0;
  for (const s of j.splits) {
    const inShards = s.shards.reduce((a, x) => a + x.records, 0);
    if (s.records + s.skipped !== s.done) {
      bad(`split ${s.name}: ${s.records} records + ${s.skipped} skipped ≠ ${s.done} patches done`);
    }
    if (inShards !== s.records) bad(`split ${s.name}: its shards hold ${inShards} records, the split ${s.records}`);
    skipped += s.skipped;
  }
  if (skipped !== j.skipped.length) bad(`${j.skipped.length} skipped patches listed, the splits count ${skipped}`);
}

/**
 * Throws E_RESUME_MISMATCH listing every differing field unless `now` may continue `j`; `prefixOk(i)` says whether
 * split i's patches done are the ones this run would do first (needed when the exclusions differ).
 */
export function checkResumable(
  j: Journal, now: JournalOptions, file: string, prefixOk: (split: number) => boolean,
): void {
  const was = j.options;
  const strict = leafDifferences({ ...was, on_error: 0, exclude: 0 }, { ...now, on_error: 0, exclude: 0 });
  const onError = leafDifferences({ on_error: was.on_error }, { on_error: now.on_error });
  const exclude = leafDifferences({ exclude: was.exclude }, { exclude: now.exclude });
  const problems = [...strict];
  // fail → skip: no patch of the prefix was skipped under fail, so its records are what skip would have written.
  if (onError.length > 0 && !(was.on_error === "fail" && now.on_error === "skip")) problems.push(...onError);
  if (exclude.length > 0 && problems.length === 0) {
    const moved = j.splits.map((s, i) => (prefixOk(i) ? "" : s.name)).filter((n) => n !== "");
    if (moved.length > 0) {
      const notFirst = `the patches already done in split(s) ${moved.join(", ")} ` +
        "are not the first ones this run would do " +
        "(a newly excluded patch lies among them, or the input is read in archive order)";
      problems.push(...exclude, notFirst);
    }
  }
  if (problems.length > 0) {
    const message = "cannot resume: the unfinished run in the output folder differs from this one: " +
      problems.join("; ");
    const hint = "rerun with the unfinished run's options and --resume, " +
      "or without --resume and with --overwrite to start over";
    throw new Ben19Error("E_RESUME_MISMATCH", message, { file }, hint);
  }
}
