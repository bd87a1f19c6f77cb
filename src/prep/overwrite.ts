// --overwrite: before the new run starts, everything an earlier run in the folder wrote for the same output is
// removed, not only the files the new run happens to rename over. Otherwise `--shards 3` then `--shards 2
// --overwrite` leaves train_02.tfrecord beside the new files, where `verify` does not look and `train_*` globs do.
// Removed: the files the earlier manifest and journal list, and every shard file (final or temporary) of the splits
// being written; for a whole run also errors.json and finished part manifests, for a part only its own shard
// indices (the other parts may be running) and the merged manifest.json, which no longer describes the folder.
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { Journal } from "./journal.js";
import type { PrepManifest } from "./manifest.js";
import {
  ERRORS_FILE, MANIFEST_FILE, PART_MANIFEST_PATTERN, shardFileName, shardFilePattern, tempName,
} from "./naming.js";
import { partShards, type Part } from "./partition.js";

export interface EarlierRun {
  out: string;
  /** This run's manifest and journal file names (a part's own). */
  manifestName: string;
  journalFile: string;
  /** The splits this run writes. */
  splits: readonly string[];
  part: Part | undefined;
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as T;
  } catch {
    return undefined;
  }
}

/** The shard file names the journal `j` was writing. */
function journalShards(j: Journal): string[] {
  const shards = j.options?.shards;
  if (!Number.isSafeInteger(shards) || shards < 1) return [];
  const p = j.options.part;
  const indices = p === null || p === undefined ? Array.from({ length: shards }, (_, k) => k) : partShards(p, shards);
  return (j.splits ?? []).flatMap((s) => indices.map((k) => shardFileName(String(s.name), k, shards)));
}

/** Removes what earlier runs wrote (see the module comment); returns the names removed, sorted. */
export function removeEarlierRun(r: EarlierRun): string[] {
  const names = new Set<string>();
  const m = readJson<PrepManifest>(join(r.out, r.manifestName));
  for (const s of Object.values(m?.splits ?? {})) {
    for (const f of s.files ?? []) if (typeof f.file === "string") names.add(f.file);
  }
  const j = readJson<Journal>(r.journalFile);
  if (j !== undefined) for (const n of journalShards(j)) names.add(n);
  const present = readdirSync(r.out);
  for (const f of present) {
    for (const split of r.splits) {
      const hit = shardFilePattern(split).exec(f);
      if (hit === null) continue;
      const nn = hit[1];
      if (r.part === undefined || (nn !== undefined && Number(nn) % r.part.count === r.part.index)) {
        names.add(f.replace(/\.tmp$/, ""));
      }
    }
    if (r.part === undefined && PART_MANIFEST_PATTERN.test(f)) names.add(f);
  }
  names.add(r.manifestName);
  names.add(r.part === undefined ? ERRORS_FILE : MANIFEST_FILE);
  const removed: string[] = [];
  const here = new Set(present);
  for (const n of names) {
    // Names come from files in the folder or from shardFileName: never a path outside it.
    if (n.includes("/") || n.includes("\\") || n === "." || n === "..") continue;
    for (const f of [n, tempName(n)]) {
      if (!here.has(f)) continue;
      rmSync(join(r.out, f), { force: true });
      removed.push(f);
    }
  }
  rmSync(r.journalFile, { force: true });
  rmSync(tempName(r.journalFile), { force: true });
  return removed.sort();
}
