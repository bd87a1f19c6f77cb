// --exclude / --exclude-list: patches to leave out of every split before records are numbered, so the output is
// the same as a run on CSVs without them (and every --part agrees on the numbering). The bundled lists are the
// official snow, cloud/shadow and no-19-label lists, which the official splits already exclude.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { BUNDLED_LISTS, readSplit, splitName } from "../archive/splits.js";
import { OptionError } from "../core/errors.js";

export type BundledListName = keyof typeof BUNDLED_LISTS;
export const BUNDLED_LIST_NAMES = Object.keys(BUNDLED_LISTS) as BundledListName[];

/** One exclusion list as the manifest records it. */
export interface ExclusionInfo {
  /** The bundled name (snow, cloud, no19) or a user list's file name up to its first dot. */
  list: string;
  file: string;
  sha256: string;
  /** Patch names in the list. */
  patches: number;
}

export interface ExclusionList extends ExclusionInfo {
  names: ReadonlySet<string>;
}

/** What excluding did to one split. */
export interface SplitExclusion {
  kept: string[];
  /** Patches of the split in at least one list. */
  excluded: number;
  /** Patches of the split in each list (a patch in two lists counts in both). */
  byList: Record<string, number>;
}

/** Checks a bundled list name; an unknown one is an OptionError listing the known ones. */
export function checkListName(n: string): BundledListName {
  if (!(BUNDLED_LIST_NAMES as string[]).includes(n)) {
    const expected = `expected a comma-separated list of ${BUNDLED_LIST_NAMES.join(", ")} ` +
      "(for your own list use --exclude-list FILE.csv)";
    throw new OptionError("exclude", n, expected);
  }
  return n as BundledListName;
}

/** Parses --exclude's comma-separated names. */
export function parseExcludeNames(text: string): BundledListName[] {
  return text.split(",").map((s) => s.trim()).filter((s) => s !== "").map(checkListName);
}

/** Reads one list under the name `list`; `option` is named if the file is missing. */
export async function readExclusionList(list: string, file: string, option: string): Promise<ExclusionList> {
  const s = await readSplit(file, option);
  const sha256 = createHash("sha256").update(readFileSync(file)).digest("hex");
  return { list, file, sha256, patches: s.patches.length, names: new Set(s.patches) };
}

/** Reads the bundled lists named and the user lists given (resolved paths), in that order; names must be unique. */
export async function readExclusions(
  bundled: readonly BundledListName[], files: readonly string[],
): Promise<ExclusionList[]> {
  const lists = await Promise.all([
    ...[...new Set(bundled)].map((n) => readExclusionList(n, BUNDLED_LISTS[n], "--exclude")),
    ...files.map((f) => readExclusionList(splitName(f), f, "--exclude-list")),
  ]);
  const seen = new Set<string>();
  for (const l of lists) {
    if (seen.has(l.list)) {
      const expected = `a list named "${l.list}" (the file name up to its first dot) is given twice; rename one`;
      throw new OptionError("excludeList", l.file, expected);
    }
    seen.add(l.list);
  }
  return lists;
}

/** Drops the patches of `patches` that any list holds, keeping CSV order. */
export function applyExclusions(patches: readonly string[], lists: readonly ExclusionList[]): SplitExclusion {
  const byList: Record<string, number> = Object.fromEntries(lists.map((l) => [l.list, 0]));
  const kept: string[] = [];
  for (const p of patches) {
    let hit = false;
    for (const l of lists) {
      if (l.names.has(p)) {
        byList[l.list] = (byList[l.list] as number) + 1;
        hit = true;
      }
    }
    if (!hit) kept.push(p);
  }
  return { kept, excluded: patches.length - kept.length, byList };
}

/** The manifest's record of a list (without the names). */
export function exclusionInfo(l: ExclusionList): ExclusionInfo {
  return { list: l.list, file: l.file, sha256: l.sha256, patches: l.patches };
}
