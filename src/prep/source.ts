// Where prep's (and verify's) patch lists and labels come from. v1.0: split CSVs (default: the bundled official
// ones), labels from each patch's JSON, read by the workers. reBEN (v2.0): without -n, the metadata's `split`
// column gives train/validation/test in the metadata's row order; -n CSVs restrict to listed patches; the labels
// come from the metadata and travel to the workers with each task. Patches with seasonal snow, cloud or shadow
// (flagged in the metadata, or rows of the companion table) form an exclusion list, "snow_cloud", unless
// --include-snow-cloud: then the companion table's rows join their splits, after the main table's.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { BUNDLED_SPLITS, readSplit, type Split } from "../archive/splits.js";
import { detectArchive, type ArchiveLayout } from "../archive/v2/layout.js";
import { readV2Metadata, SNOW_CLOUD_FILE, V2_SPLITS, type V2Metadata } from "../archive/v2/metadata.js";
import { Ben19Error, OptionError } from "../core/errors.js";
import type { ExclusionList } from "./exclude.js";

/** What the manifest and the journal record of a reBEN archive. */
export interface ArchiveInfo {
  version: "2.0";
  metadata: string;
  metadata_sha256: string;
  snow_cloud_metadata?: { file: string; sha256: string } | undefined;
  include_snow_cloud: boolean;
}

export interface PrepSource {
  layout: ArchiveLayout;
  splits: Split[];
  /** The sha256 of each split's file (its CSV, or the metadata for a split taken from it). */
  splitSha256: string[];
  /** Lists the source itself excludes (reBEN: snow_cloud unless included). */
  lists: ExclusionList[];
  /** reBEN only. */
  archive?: ArchiveInfo | undefined;
  /** reBEN only: a patch's 19-class label mask, undefined for a patch the metadata lacks. */
  labelMask?: ((name: string) => number | undefined) | undefined;
  /** reBEN with `s1` given: each patch's Sentinel-1 partner (`s1_name`) from the same read of the tables. */
  s1Of?: Map<string, string> | undefined;
}

export interface SourceOptions {
  root: string;
  metadata?: string | undefined;
  /** Split CSVs (-n); empty for the default splits. */
  splits: readonly string[];
  includeSnowCloud: boolean;
  /** The Sentinel-1 root of an MM run: reBEN's tables are then read with their `s1_name` column. */
  s1?: string | undefined;
}

function sha256File(file: string): string {
  return createHash("sha256").update(readFileSync(file)).digest("hex");
}

/** Opens the archive's patch lists and labels; see the module comment. */
export async function openSource(o: SourceOptions): Promise<PrepSource> {
  const layout = detectArchive(o.root, o.metadata);
  if (layout.version === 1) {
    if (o.includeSnowCloud) {
      const why = "applies to a reBEN (v2.0) archive only; for v1.0 choose the split CSVs and --exclude lists";
      throw new OptionError("includeSnowCloud", true, why);
    }
    const files = o.splits.length > 0 ? o.splits : [BUNDLED_SPLITS.train, BUNDLED_SPLITS.val, BUNDLED_SPLITS.test];
    const splits = await Promise.all(files.map((f) => readSplit(f)));
    return { layout, splits, splitSha256: splits.map((s) => sha256File(s.file)), lists: [] };
  }
  const read = { s1Names: o.s1 !== undefined };
  const main = await readV2Metadata(layout.metadata, read);
  const extra = layout.snowCloud === undefined ? undefined : await readV2Metadata(layout.snowCloud, read);
  if (o.includeSnowCloud && extra === undefined) {
    const message = "--include-snow-cloud needs the table of patches with snow, cloud or shadow";
    const hint = `put ${SNOW_CLOUD_FILE} beside ${layout.metadata}`;
    throw new Ben19Error("E_MISSING_METADATA", message, { file: layout.metadata }, hint);
  }
  const tables = extra === undefined ? [main] : [main, extra];
  const masks = new Map<string, number>();
  const flagged = new Set<string>();
  const s1Of = read.s1Names ? new Map<string, string>() : undefined;
  for (const t of tables) {
    t.ids.forEach((id, r) => {
      masks.set(id, t.labels[r] as number);
      if (t.snowCloud[r] === 1 || t === extra) flagged.add(id);
      const s1 = t.s1Names?.[r];
      if (s1Of !== undefined && typeof s1 === "string") s1Of.set(id, s1);
    });
  }
  let splits: Split[];
  let splitSha256: string[];
  if (o.splits.length > 0) {
    splits = await Promise.all(o.splits.map((f) => readSplit(f)));
    splitSha256 = splits.map((s) => sha256File(s.file));
  } else {
    splits = metadataSplits(o.includeSnowCloud ? tables : [main], layout.metadata);
    splitSha256 = splits.map(() => main.sha256);
  }
  const lists: ExclusionList[] = o.includeSnowCloud
    ? []
    : [{ list: "snow_cloud", file: layout.snowCloud ?? layout.metadata, sha256: (extra ?? main).sha256,
        patches: flagged.size, names: flagged }];
  const archive: ArchiveInfo = {
    version: "2.0",
    metadata: layout.metadata,
    metadata_sha256: main.sha256,
    ...(extra !== undefined ? { snow_cloud_metadata: { file: extra.file, sha256: extra.sha256 } } : {}),
    include_snow_cloud: o.includeSnowCloud,
  };
  return { layout, splits, splitSha256, lists, archive, labelMask: (name) => masks.get(name), s1Of };
}

/** train, validation and test from the tables' `split` column, each in row order (table by table). */
function metadataSplits(tables: readonly V2Metadata[], file: string): Split[] {
  const patches: string[][] = V2_SPLITS.map(() => []);
  for (const t of tables) t.ids.forEach((id, r) => (patches[t.split[r] as number] as string[]).push(id));
  return V2_SPLITS.map((name, i) => ({ name, file, patches: patches[i] as string[] }));
}
