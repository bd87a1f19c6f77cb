// Before a run starts, every patch it will read is checked for presence: its folder (or its members in a .tar's
// index) and all 13 files. Under --on-error fail a missing patch would otherwise stop the run when its turn comes,
// perhaps hours in; now every missing one is listed at once, before any work, with the ways on. `prep --check` runs
// this check alone (for a .tar.gz it costs one pass through gunzip, so a normal run does not pre-check a .tar.gz:
// its missing patches can only be known at the end of the pass anyway). An MM run checks each patch's partners too:
// its S1 patch (and reBEN reference map), in their folder or .tar index.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { patchFileNames } from "../archive/tar-groups.js";
import { streamTarPatches } from "../archive/tar-patches.js";
import type { Claim } from "../archive/tar-groups.js";
import { Ben19Error } from "../core/errors.js";
import { decompressed } from "../archive/decompress.js";
import { v2S1PatchDir } from "../archive/s1.js";
import { partnerFileNames, type PartnerKind } from "../archive/s1-root.js";
import type { TarIndex as PartnerIndex } from "../archive/tar-index.js";
import { tileOf, v2PatchDir } from "../archive/v2/layout.js";
import { indexTarPatches, streamed, type TarIndex } from "./input.js";
import type { PrepOptions } from "./options.js";
import { planPrep, type PrepPlan } from "./plan.js";

export interface MissingPatch {
  split: string;
  patch: string;
  /** The file names missing, or ["(folder)"] when the patch folder itself is. */
  missing: string[];
  /** An MM partner that lacks them (not the S2 patch): the S1 patch (null when none is named) or reference map. */
  partner?: { kind: "S1 patch" | "reference map"; name: string | null };
}

export const MISSING_FOLDER = "(folder)";
/** Missing patches named in an error message; `--check` lists them all. */
const LISTED = 20;

function missingFiles(name: string, present: ReadonlySet<string> | undefined, json: boolean): string[] {
  if (present === undefined) return [MISSING_FOLDER];
  return [...patchFileNames(name, json)].filter((f) => !present.has(f));
}

/** The file names in patch `name`'s folder (v1.0: under the root; reBEN: under its tile folder). */
function folderFiles(plan: PrepPlan, name: string): Set<string> | undefined {
  const root = plan.source.layout.root;
  try {
    return new Set(readdirSync(plan.source.archive === undefined ? join(root, name) : v2PatchDir(root, name)));
  } catch {
    return undefined;
  }
}

/**
 * The patches of each split's work list from position from[s] on that lack files, in split and CSV order; a .tar
 * is looked up in its index (built by the caller and reused by the run), a folder on disk.
 */
export function findMissing(plan: PrepPlan, from: readonly number[], tarIndex?: TarIndex): MissingPatch[] {
  const out: MissingPatch[] = [];
  plan.work.forEach((names, s) => {
    const split = plan.splits[s]?.name as string;
    for (let i = from[s] ?? 0; i < names.length; i++) {
      const name = names[i] as string;
      const files = tarIndex !== undefined ? tarIndex.get(name)?.files : folderFiles(plan, name);
      const missing = missingFiles(name, files, plan.source.labelMask === undefined);
      if (missing.length > 0) out.push({ split, patch: name, missing });
      out.push(...missingPartners(plan, split, name));
    }
  });
  return out;
}

/** The file names partner `name` lacks: in the .tar's index, or in folder `dir`. */
function partnerMissing(kind: PartnerKind, name: string, dir: string, index: PartnerIndex | undefined): string[] {
  let present: ReadonlySet<string> | undefined;
  if (index !== undefined) present = index.get(name)?.files;
  else {
    try {
      present = new Set(readdirSync(dir));
    } catch {
      present = undefined;
    }
  }
  if (present === undefined) return [MISSING_FOLDER];
  return [...partnerFileNames(kind, name)].filter((f) => !present.has(f));
}

/** What an MM run's S2 patch `name` lacks on the partners' side: its S1 patch, its reference map. */
function missingPartners(plan: PrepPlan, split: string, name: string): MissingPatch[] {
  const mm = plan.mm;
  if (mm === undefined) return [];
  const out: MissingPatch[] = [];
  const s1 = mm.s1Of.get(name);
  if (s1 === undefined) out.push({ split, patch: name, missing: [], partner: { kind: "S1 patch", name: null } });
  else {
    const dir = mm.version === 1 ? join(mm.s1Root, s1) : v2S1PatchDir(mm.s1Root, s1);
    const missing = partnerMissing(mm.version === 1 ? "s1-v1" : "s1-v2", s1, dir, mm.s1Tar);
    if (missing.length > 0) out.push({ split, patch: name, missing, partner: { kind: "S1 patch", name: s1 } });
  }
  if (mm.referenceMaps !== undefined) {
    const dir = join(mm.referenceMaps, tileOf(name), name);
    const missing = partnerMissing("reference-map", name, dir, mm.mapsTar);
    if (missing.length > 0) out.push({ split, patch: name, missing, partner: { kind: "reference map", name } });
  }
  return out;
}

/**
 * What a run checks before any work under --on-error fail, from position done[s] of each split on: every patch and
 * partner of a folder or .tar. A streamed S2 input (.tar.gz, .tar.zst) can only be checked by a pass through it, so
 * only its MM partners are checked, and only on a fresh run: a resumed run's done patches are counted in archive
 * order, not CSV positions, and a partner of a patch already written must not stop it.
 */
export function missingBeforeWork(plan: PrepPlan, done: readonly number[], fresh: boolean,
  tarIndex?: TarIndex): MissingPatch[] {
  if (!streamed(plan.kind)) return findMissing(plan, done, tarIndex);
  if (!fresh || plan.mm === undefined) return [];
  return plan.work.flatMap((names, s) => {
    const split = plan.splits[s]?.name as string;
    return names.flatMap((n) => missingPartners(plan, split, n));
  });
}

/** The same check for a .tar.gz: one pass through gunzip collecting the wanted patches' file names. */
async function findMissingInTarGz(plan: PrepPlan): Promise<MissingPatch[]> {
  const wanted = new Set(plan.work.flat());
  const seen = new Map<string, Set<string>>();
  const claim = (n: string): Claim =>
    seen.has(n) ? "seen" : wanted.has(n) ? (seen.set(n, new Set()), "new") : "unwanted";
  const root = plan.source.layout.root;
  const json = plan.source.labelMask === undefined;
  const chunks = decompressed(root, plan.kind === "tar.zst" ? "zstd" : "gzip");
  for await (const p of streamTarPatches(chunks, root, claim, { json })) seen.set(p.name, new Set(p.files.keys()));
  const out: MissingPatch[] = [];
  plan.work.forEach((names, s) => {
    for (const name of names) {
      const split = plan.splits[s]?.name as string;
      const missing = missingFiles(name, seen.get(name), json);
      if (missing.length > 0) out.push({ split, patch: name, missing });
      out.push(...missingPartners(plan, split, name));
    }
  });
  return out;
}

/** One line per missing patch: split, patch and what it lacks. */
export function missingLine(m: MissingPatch): string {
  const p = m.partner;
  if (p?.name === null) return `${m.split}: ${m.patch}: no S1 patch is named for it (split CSV or metadata)`;
  const folder = p === undefined ? "the patch folder" : `the folder of its ${p.kind} ${p.name}`;
  const what = m.missing[0] === MISSING_FOLDER ? `${folder} is missing` : `missing ${m.missing.join(", ")}`;
  const of = p === undefined || m.missing[0] === MISSING_FOLDER ? "" : `its ${p.kind} ${p.name}: `;
  return `${m.split}: ${m.patch}: ${of}${what}`;
}

/** Patches (split and name) among `missing`: a patch lacking files on both sides has an entry for each. */
export function missingPatchCount(missing: readonly MissingPatch[]): number {
  return new Set(missing.map((m) => `${m.split}\0${m.patch}`)).size;
}

/** The root that lacks them: the S2 root when any S2 patch is missing, else the first missing partner's root. */
function missingRoot(missing: readonly MissingPatch[], plan: PrepPlan): string {
  const partner = missing.every((m) => m.partner !== undefined) ? missing[0]?.partner : undefined;
  if (partner === undefined || plan.mm === undefined) return plan.source.layout.root;
  return partner.kind === "reference map" ? plan.mm.referenceMaps ?? plan.mm.s1Root : plan.mm.s1Root;
}

/** The run's error for missing patches: the first LISTED of them, the count, and how to go on. */
export function missingPatchesError(missing: readonly MissingPatch[], plan: PrepPlan): Ben19Error {
  const shown = missing.slice(0, LISTED).map(missingLine).join("; ");
  const more = missing.length > LISTED
    ? `; … and ${missing.length - LISTED} more (ben19 prep --check lists them all)`
    : "";
  const s1 = missing.some((m) => m.partner !== undefined)
    ? " (an S1 partner or reference map from the root given with -r1/--s1/--reference-maps, or fix the split CSV's"
      + " S1 column)"
    : "";
  return new Ben19Error(
    "E_MISSING_PATCHES",
    `${missingPatchCount(missing)} patch(es) of the split CSVs are incomplete or missing in the archive, found before`
      + ` any work: ${shown}${more}`,
    { file: missingRoot(missing, plan) },
    `restore them from the archive${s1}, or leave them out: rerun with --on-error skip (they are listed in `
      + "errors.json), or put their names in a CSV and pass --exclude-list FILE.csv",
  );
}

export interface CheckSummary {
  /** Patches checked, and those missing files. */
  checked: number;
  missing: MissingPatch[];
}

/** `prep --check`: plans the run and checks every patch it would read; writes nothing. */
export async function checkPrep(options: PrepOptions): Promise<CheckSummary> {
  const plan = await planPrep(options);
  const checked = plan.work.reduce((a, w) => a + w.length, 0);
  if (streamed(plan.kind)) return { checked, missing: await findMissingInTarGz(plan) };
  const json = plan.source.labelMask === undefined;
  const index = plan.kind === "tar" ? indexTarPatches(plan.source.layout.root, plan.work, json) : undefined;
  return { checked, missing: findMissing(plan, plan.work.map(() => 0), index) };
}
