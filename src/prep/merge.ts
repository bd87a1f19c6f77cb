// merge-manifests: the K part manifests of a `prep --part i/K` run in, the manifest.json a single run with the
// same options would have written out (the same bytes: it is part 0's manifest without `part`, with the counts
// summed and the files of all parts in shard order). Refuses unless every part 0..K-1 is there exactly once, all
// were run with the same options, CSVs and tool version, and every shard file is present with the size, sha256
// and record count its part recorded. Shards found outside the output folder are moved into it, with their part
// manifests, so the folder ends up exactly like a single run's (plus the part manifests, kept as provenance).
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { Ben19Error } from "../core/errors.js";
import { fsyncPath, publish } from "../io/durable.js";
import { sha256OfFile } from "../io/hash.js";
import { jsonText, MANIFEST_FORMAT, writeJsonAtomic, type PrepManifest, type SplitManifest } from "./manifest.js";
import { MANIFEST_FILE, PART_MANIFEST_PATTERN, shardFileName, tempName } from "./naming.js";
import { partShards, shardRecords } from "./partition.js";
import type { ShardInfo } from "./shards.js";

export interface MergeOptions {
  /** Folders holding part manifests (manifest.part-<i>-of-<K>.json) and their shards. */
  dirs: readonly string[];
  /** Where manifest.json goes (default: the first folder); shards elsewhere are moved here. */
  out?: string | undefined;
  /** Replace a different manifest.json already in the output folder. */
  overwrite?: boolean | undefined;
  /** Shard files checked so far, and in all. */
  onProgress?: ((done: number, total: number) => void) | undefined;
}

export interface MergeSummary {
  out: string;
  manifest: PrepManifest;
  parts: number;
  /** Files moved into the output folder. */
  moved: string[];
}

interface LoadedPart {
  file: string;
  dir: string;
  manifest: PrepManifest & { part: NonNullable<PrepManifest["part"]> };
}

const HINT_RERUN = "rerun that part with the same command line and --part i/K, " +
  "or pass the folder that holds its manifest";
const HINT_PARTS = "pass the folders that `ben19 prep --part i/K -o DIR` wrote";

function loadParts(dirs: readonly string[]): LoadedPart[] {
  const parts: LoadedPart[] = [];
  for (const dir of dirs) {
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      throw new Ben19Error("E_NO_PARTS", "not a folder", { file: dir }, HINT_PARTS);
    }
    const names = readdirSync(dir).filter((f) => PART_MANIFEST_PATTERN.test(f)).sort();
    if (names.length === 0) {
      const hint = existsSync(join(dir, MANIFEST_FILE))
        ? "it holds a single run's manifest.json, which needs no merging"
        : HINT_PARTS;
      const message = "the folder holds no part manifest (manifest.part-<i>-of-<K>.json)";
      throw new Ben19Error("E_NO_PARTS", message, { file: dir }, hint);
    }
    for (const name of names) {
      const file = join(dir, name);
      let m: PrepManifest;
      try {
        m = JSON.parse(readFileSync(file, "utf8")) as PrepManifest;
      } catch (e) {
        throw new Ben19Error("E_BAD_MANIFEST", `not valid JSON: ${(e as Error).message}`, { file }, HINT_RERUN);
      }
      const [, i, k] = PART_MANIFEST_PATTERN.exec(name) as RegExpExecArray;
      const wrongPart = m.part === undefined || m.part.index !== Number(i) || m.part.count !== Number(k);
      if (m.format !== MANIFEST_FORMAT || wrongPart) {
        const message = `not the manifest of part ${i}/${k} ` +
          `(format ${JSON.stringify(m.format)}, part ${JSON.stringify(m.part)})`;
        throw new Ben19Error("E_BAD_MANIFEST", message, { file }, HINT_RERUN);
      }
      parts.push({ file, dir, manifest: m as LoadedPart["manifest"] });
    }
  }
  return parts;
}

/** Orders the parts by index; throws naming a part given twice, parts with another K, or the parts missing. */
function completeParts(parts: LoadedPart[]): LoadedPart[] {
  const first = parts[0] as LoadedPart;
  const K = first.manifest.part.count;
  const byIndex: (LoadedPart | undefined)[] = new Array<LoadedPart | undefined>(K).fill(undefined);
  for (const p of parts) {
    if (p.manifest.part.count !== K) {
      const message = `part ${p.manifest.part.index}/${p.manifest.part.count} belongs to a run in ` +
        `${p.manifest.part.count} parts, ${first.file} to one in ${K}`;
      const hint = "merge the parts of one run only: the same K in every --part i/K";
      throw new Ben19Error("E_PART_MISMATCH", message, { file: p.file }, hint);
    }
    const twin = byIndex[p.manifest.part.index];
    if (twin !== undefined) {
      const hint = "pass each part's folder once, and remove the part manifest of a stale or repeated run";
      const message = `part ${p.manifest.part.index}/${K} is given twice: also ${twin.file}`;
      throw new Ben19Error("E_PART_DUPLICATE", message, { file: p.file }, hint);
    }
    byIndex[p.manifest.part.index] = p;
  }
  const missing = byIndex.flatMap((p, i) => (p === undefined ? [i] : []));
  if (missing.length > 0) {
    const message = `part(s) ${missing.map((i) => `${i}/${K}`).join(", ")} missing: ` +
      `found ${parts.length} of ${K} part manifests`;
    const hint = `run ben19 prep with the same options and --part ${missing[0]}/${K} ` +
      `(Slurm: array index ${missing[0]}; Kubernetes: completion index ${missing[0]}), then merge again`;
    throw new Ben19Error("E_PART_MISSING", message, {}, hint);
  }
  return byIndex as LoadedPart[];
}

/** The first place (as a dotted path) where two JSON values differ, or undefined when equal. */
function firstDifference(a: unknown, b: unknown, path: string): string | undefined {
  if (typeof a === "object" && a !== null && typeof b === "object" && b !== null) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    for (const k of keys) {
      const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`);
      if (d !== undefined) return d;
    }
    return undefined;
  }
  return a === b ? undefined : `${path}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`;
}

/** What every part must share with part 0: everything but its own counts, files and part number. */
function sharedView(m: PrepManifest): unknown {
  return {
    format: m.format,
    tool: m.tool,
    schema: m.schema,
    options: m.options,
    splits: Object.entries(m.splits).map(([name, s]) => ({
      name, csv: s.csv, csv_sha256: s.csv_sha256, patches: s.patches, excluded: s.excluded,
      excluded_by_list: s.excluded_by_list,
    })),
    skipped: m.skipped,
  };
}

function checkConsistent(parts: readonly LoadedPart[]): void {
  const base = sharedView((parts[0] as LoadedPart).manifest);
  for (const p of parts) {
    const d = firstDifference(base, sharedView(p.manifest), "manifest");
    if (d !== undefined) {
      const message = `part ${p.manifest.part.index} differs from part 0 (${(parts[0] as LoadedPart).file}) at ${d}`;
      const hint = "every part must be run with the same ben19 version, -r, -n, --shards, --exclude and " +
        "--update_json; rerun the odd part";
      throw new Ben19Error("E_PART_MISMATCH", message, { file: p.file }, hint);
    }
    const want = partShards(p.manifest.part, p.manifest.options.shards);
    if (want.join() !== p.manifest.part.shards.join()) {
      const message = `part ${p.manifest.part.index} lists shards ${p.manifest.part.shards.join(",")}, ` +
        `expected ${want.join(",")}`;
      throw new Ben19Error("E_BAD_MANIFEST", message, { file: p.file }, HINT_RERUN);
    }
  }
}

/** Checks one part's shard file of a split against its manifest entry and the single run's numbering. */
async function checkShard(p: LoadedPart, split: string, n: number, f: ShardInfo, records: number): Promise<void> {
  const S = p.manifest.options.shards;
  const expectedName = shardFileName(split, n, S);
  const file = join(p.dir, f.file);
  const fail = (what: string, hint: string): never => {
    throw new Ben19Error("E_PART_FILE", what, { file }, hint);
  };
  const part = p.manifest.part.index;
  if (f.file !== expectedName) {
    fail(`part ${part} lists ${f.file} where shard ${n} of split ${split} (${expectedName}) belongs`, HINT_RERUN);
  }
  if (!existsSync(file)) {
    fail(`shard ${n} of split ${split}, written by part ${part}, is missing`,
      `copy it next to ${basename(p.file)}, or rerun part ${part}`);
  }
  const want = shardRecords(n, S, records);
  if (f.records !== want) {
    fail(`part ${part} recorded ${f.records} records in this shard; a single run puts ${want} there`, HINT_RERUN);
  }
  const recopy = `the file changed or was copied incompletely; copy it again or rerun part ${part}`;
  const bytes = statSync(file).size;
  if (bytes !== f.bytes) fail(`has ${bytes} bytes, part ${part}'s manifest says ${f.bytes}`, recopy);
  if ((await sha256OfFile(file)) !== f.sha256) fail(`sha256 differs from part ${part}'s manifest`, recopy);
}

/** Sums two label-count tables key by key, keeping the first table's key order. */
function addCounts(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(a).map(([k, v]) => [k, v + (b[k] ?? 0)]));
}

async function mergeSplit(parts: readonly LoadedPart[], name: string, done: () => void): Promise<SplitManifest> {
  const s0 = (parts[0] as LoadedPart).manifest.splits[name] as SplitManifest;
  const S = (parts[0] as LoadedPart).manifest.options.shards;
  const records = s0.patches - (s0.excluded ?? 0);
  const files: ShardInfo[] = new Array<ShardInfo>(S);
  let sum = { records: 0, noLabel: 0, labels: Object.fromEntries(Object.keys(s0.label_counts).map((k) => [k, 0])) };
  for (const p of parts) {
    const s = p.manifest.splits[name] as SplitManifest;
    const owned = p.manifest.part.shards;
    if (s.files.length !== owned.length) {
      const message = `part ${p.manifest.part.index} lists ${s.files.length} files for split ${name}, ` +
        `it owns ${owned.length} shards`;
      throw new Ben19Error("E_BAD_MANIFEST", message, { file: p.file }, HINT_RERUN);
    }
    for (const [t, f] of s.files.entries()) {
      const n = owned[t] as number;
      await checkShard(p, name, n, f, records);
      files[n] = f;
      done();
    }
    sum = {
      records: sum.records + s.records, noLabel: sum.noLabel + s.no_label_records,
      labels: addCounts(sum.labels, s.label_counts),
    };
  }
  if (sum.records !== records) {
    const message = `split ${name}: the parts hold ${sum.records} records, ` +
      `the split has ${records} patches after exclusions`;
    const hint = "rerun the parts; every part must finish under --on-error fail";
    throw new Ben19Error("E_PART_MISMATCH", message, {}, hint);
  }
  return { ...s0, records: sum.records, label_counts: sum.labels, no_label_records: sum.noLabel, files };
}

/** Moves a file into dir (rename, or copy then delete across file systems), unless it is already there. */
function moveInto(file: string, dir: string): string | undefined {
  const target = join(dir, basename(file));
  if (resolve(file) === resolve(target)) return undefined;
  if (existsSync(target)) {
    const message = `cannot move ${file} into the output folder: a file of that name is already there`;
    const hint = "remove the stale file, or merge into another --out folder";
    throw new Ben19Error("E_OUTPUT_EXISTS", message, { file: target }, hint);
  }
  try {
    renameSync(file, target);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EXDEV") throw e;
    copyFileSync(file, tempName(target));
    fsyncPath(tempName(target));
    publish([[tempName(target), target]]);
    rmSync(file);
  }
  return target;
}

/** Merges the part manifests found in o.dirs; see the module comment. */
export async function mergeManifests(o: MergeOptions): Promise<MergeSummary> {
  const dirs = o.dirs.map((d) => resolve(d));
  if (dirs.length === 0) {
    throw new Ben19Error("E_NO_PARTS", "no folder given", {}, HINT_PARTS);
  }
  const out = resolve(o.out ?? (dirs[0] as string));
  const parts = completeParts(loadParts([...new Set(dirs)]));
  checkConsistent(parts);
  const first = (parts[0] as LoadedPart).manifest;
  const total = parts.reduce((a, p) => a + Object.values(p.manifest.splits).reduce((b, s) => b + s.files.length, 0), 0);
  let done = 0;
  const tick = (): void => o.onProgress?.(++done, total);
  const splits: Record<string, SplitManifest> = {};
  for (const name of Object.keys(first.splits)) splits[name] = await mergeSplit(parts, name, tick);
  const { part: _part, ...single } = first;
  const manifest: PrepManifest = { ...single, splits };
  const target = join(out, MANIFEST_FILE);
  if (existsSync(target) && readFileSync(target, "utf8") !== jsonText(manifest) && o.overwrite !== true) {
    const hint = "choose another --out folder or rerun with --overwrite";
    const message = "the output folder already holds a different manifest.json";
    throw new Ben19Error("E_OUTPUT_EXISTS", message, { file: target }, hint);
  }
  mkdirSync(out, { recursive: true });
  const moved: string[] = [];
  for (const p of parts) {
    for (const s of Object.values(p.manifest.splits)) {
      for (const f of s.files) pushMoved(moved, moveInto(join(p.dir, f.file), out));
    }
    pushMoved(moved, moveInto(p.file, out));
  }
  writeJsonAtomic(target, manifest);
  return { out, manifest, parts: parts.length, moved };
}

function pushMoved(moved: string[], file: string | undefined): void {
  if (file !== undefined) moved.push(file);
}
