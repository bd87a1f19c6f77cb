// Split CSVs, read the way the reference does: no header, the first column, whitespace and CR stripped, empty
// lines skipped; the split's name is the file name up to its first dot. `.csv.gz` files are read too.
import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { Ben19Error, clip, OptionError } from "../core/errors.js";

export interface Split {
  /** The file name up to its first dot (`train.csv.gz` → `train`). */
  name: string;
  file: string;
  /** Patch names in file order. */
  patches: string[];
}

/** The project's splits/ folder (the same relative place from src/ and dist/). */
const SPLITS_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "splits");

/** The official 19-class splits, bundled (gzip). */
export const BUNDLED_SPLITS = {
  train: join(SPLITS_DIR, "train.csv.gz"),
  val: join(SPLITS_DIR, "val.csv.gz"),
  test: join(SPLITS_DIR, "test.csv.gz"),
} as const;

/** The official exclusion lists, bundled (gzip). */
export const BUNDLED_LISTS = {
  snow: join(SPLITS_DIR, "patches_with_seasonal_snow.csv.gz"),
  cloud: join(SPLITS_DIR, "patches_with_cloud_and_shadow.csv.gz"),
  no19: join(SPLITS_DIR, "patches_with_no_19_class_targets.csv.gz"),
} as const;

/** The split name of a CSV path: its file name up to the first dot. */
export function splitName(file: string): string {
  return basename(file).split(".")[0] as string;
}

/** Patch names from CSV text: first column of each non-empty line, trimmed. */
export function parseSplitCsv(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split("\n")) {
    const name = (line.split(",")[0] ?? "").trim();
    if (name !== "") out.push(name);
  }
  return out;
}

/**
 * Why `name` cannot be a patch name, or undefined when it can: a patch name becomes a folder name under the
 * archive root and a record's patch_name, so a path separator, `..`, NUL or an absolute path could read outside
 * the root or store a path in the record.
 */
export function badPatchName(name: string): string | undefined {
  if (name.includes("\0")) return "contains a NUL character";
  if (name.includes("/") || name.includes("\\")) return "contains a path separator";
  if (name.includes("..")) return 'contains ".."';
  if (name === ".") return 'is "."';
  return undefined;
}

/** Offending lines of a CSV's text listed at most this many at once. */
const LISTED = 10;

/** Throws E_BAD_PATCH_NAME listing the lines of `text` whose first column is not a valid patch name. */
export function checkPatchNames(text: string, file: string): void {
  const bad: string[] = [];
  let count = 0;
  text.split("\n").forEach((line, i) => {
    const name = (line.split(",")[0] ?? "").trim();
    const why = name === "" ? undefined : badPatchName(name);
    if (why === undefined) return;
    count++;
    if (bad.length < LISTED) bad.push(`line ${i + 1}: ${clip(JSON.stringify(name), 120)} ${why}`);
  });
  if (count > 0) {
    const more = count > LISTED ? `; … and ${count - LISTED} more` : "";
    const message = `${count} line(s) do not hold a patch name (a folder name under the archive root): ` +
      `${bad.join("; ")}${more}`;
    const hint = "fix the CSV: its first column must be patch names such as S2A_MSIL2A_20170613T101031_0_45, " +
      "without paths";
    throw new Ben19Error("E_BAD_PATCH_NAME", message, { file }, hint);
  }
}

/** Reads a split CSV (.csv or .csv.gz); `option` is the option named when the file is missing. */
export async function readSplit(file: string, option = "-n/--splits"): Promise<Split> {
  if (!existsSync(file)) throw new OptionError(option, file, "the CSV does not exist");
  const raw = readFileSync(file);
  const text = (file.endsWith(".gz") ? gunzipSync(raw) : raw).toString("utf8");
  checkPatchNames(text, file);
  return { name: splitName(file), file, patches: parseSplitCsv(text) };
}
