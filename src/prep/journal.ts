// prep's journal: what a killed run had made durable, so that `--resume` continues it. Every few seconds prep
// fsyncs its temporary shards and then replaces the journal (temp file, fsync, rename, fsync of the folder): the
// journal never claims bytes that are not on disk, and a crash at any moment leaves either the previous journal or
// the new one. It records the options fingerprint, and per split the patches done, the running counts and each
// temporary shard's records and byte length; the shards' sha256 is recomputed on resume from the kept prefix
// (Node's hash state cannot be saved), at sequential read speed.
import type { MmInfo } from "./mm.js";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { parseJsonBounded } from "../io/bounded.js";
import { Ben19Error } from "../core/errors.js";
import { writeFileDurable } from "../io/durable.js";
import type { ExclusionInfo } from "./exclude.js";
import type { SkippedPatch } from "./manifest.js";
import type { ArchiveInfo } from "./source.js";
import { tempName } from "./naming.js";
import type { Part } from "./partition.js";
import type { ShardState } from "./shards.js";

export const JOURNAL_FORMAT = "ben19-prep-journal/1";

/** Everything that decides the output's bytes, as the journal's fingerprint covers it (not --workers). */
export interface JournalOptions {
  tool: string;
  root: string;
  /** Input kind, and for a tarball its size and modification time (hashing 66 GB up front would take minutes). */
  input: { kind: string; size?: number; mtime_ms?: number };
  splits: { file: string; sha256: string }[];
  shards: number;
  on_error: string;
  update_json: boolean;
  exclude: ExclusionInfo[];
  part: Part | null;
  /** A reBEN (v2.0) archive: its metadata files and their sha256. */
  archive?: ArchiveInfo;
  /** MM records: the S1 (and reference-map) roots. */
  mm?: MmInfo;
}

export interface JournalSplit {
  name: string;
  /** Patches of the split's work list done (written or skipped), in the input's order. */
  done: number;
  records: number;
  skipped: number;
  no_label: number;
  labels: number[];
  shards: ShardState[];
  /** Archive order only: the order hash chain so far (manifest.ts chainOrder). */
  order?: string;
  /** CSV order only: sha256 of the names of the patches done, each followed by "\n" (resume-check.ts). */
  prefix_sha256?: string;
}

export interface Journal {
  format: typeof JOURNAL_FORMAT;
  fingerprint: string;
  options: JournalOptions;
  splits: JournalSplit[];
  skipped: SkippedPatch[];
}

export function fingerprint(o: JournalOptions): string {
  return createHash("sha256").update(JSON.stringify(o)).digest("hex");
}

/** Replaces the journal durably; see the module comment. */
export function writeJournal(file: string, j: Journal): void {
  writeFileDurable(file, JSON.stringify(j));
}

/** The journal in `file`, or undefined when there is none; a damaged one is an error with the way out. */
export function readJournal(file: string): Journal | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const j = parseJsonBounded(readFileSync(file, "utf8"), { file, hint: "" }) as Journal;
    if (j.format !== JOURNAL_FORMAT) throw new Error(`format ${JSON.stringify(j.format)}, expected ${JOURNAL_FORMAT}`);
    return j;
  } catch (e) {
    const hint = "rerun without --resume and with --overwrite to start over";
    throw new Ben19Error("E_RESUME", `the resume journal cannot be read: ${(e as Error).message}`, { file }, hint);
  }
}

export function removeJournal(file: string): void {
  rmSync(file, { force: true });
  rmSync(tempName(file), { force: true });
}
