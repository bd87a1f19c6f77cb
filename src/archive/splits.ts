// Split CSVs, read the way the reference does: no header, the first column, whitespace and CR stripped, empty
// lines skipped; the split's name is the file name up to its first dot. `.csv.gz` files are read too.
import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { OptionError } from "../core/errors.js";

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

/** Reads a split CSV (.csv or .csv.gz); `option` is the option named when the file is missing. */
export async function readSplit(file: string, option = "-n/--splits"): Promise<Split> {
  if (!existsSync(file)) throw new OptionError(option, file, "the CSV does not exist");
  const raw = readFileSync(file);
  const text = (file.endsWith(".gz") ? gunzipSync(raw) : raw).toString("utf8");
  return { name: splitName(file), file, patches: parseSplitCsv(text) };
}
