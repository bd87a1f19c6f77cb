// `verify`: re-derives everything a prep output claims. Every record's CRCs and Example schema, the manifest's
// counts and sha256s, label counts, and, given the archive, every pixel and label against the source patch and
// the record order against the split CSVs. Problems are collected, not thrown, so one run lists them all.
import { compareMm } from "./mm.js";
import { splitMmExample, type MmRecordParts } from "../tfrecord/mm-record.js";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { readPatch, readPatchDir, type PatchData } from "../archive/patch.js";
import { readSplit, type Split } from "../archive/splits.js";
import { v2PatchDir } from "../archive/v2/layout.js";
import { maskToMultiHot } from "../archive/v2/metadata.js";
import { BAND_NAMES, BAND_PIXELS } from "../core/bands.js";
import { CLASS_COUNT_19 } from "../core/constants.js";
import { parseJsonBounded } from "../io/bounded.js";
import { Ben19Error } from "../core/errors.js";
import { sha256OfFile } from "../io/hash.js";
import { multiHot19, names19 } from "../labels/convert.js";
import { readRecords } from "../tfrecord/reader.js";
import { createCore, type Core, type DecodedPatch } from "../wasm/core.js";
import {
  chainOrder, MANIFEST_FORMAT, ORDER_CHAIN_START, type PrepManifest, type SplitManifest,
} from "../prep/manifest.js";
import { applyExclusions, readExclusionList, type ExclusionList } from "../prep/exclude.js";
import { MANIFEST_FILE, PART_MANIFEST_PATTERN } from "../prep/naming.js";
import { openSource, type PrepSource } from "../prep/source.js";

export interface VerifyOptions {
  /** The prep output folder. */
  out: string;
  /** Archive root: compare pixels and labels with the source patches. */
  root?: string | undefined;
  /** Split CSVs to check coverage against (default: the CSVs named in the manifest, when root is given). */
  splits?: readonly string[] | undefined;
  onProgress?: ((done: number, total: number) => void) | undefined;
}

/** One thing that does not hold, located as precisely as possible. */
export interface Problem {
  file?: string | undefined;
  record?: number | undefined;
  patch?: string | undefined;
  message: string;
}

export interface VerifyReport {
  ok: boolean;
  out: string;
  files: number;
  records: number;
  problems: Problem[];
}

/** Problems beyond this many are counted but not listed, so a badly broken output still gives a readable report. */
const MAX_LISTED = 200;

/** Index of the first differing value, or -1 when equal (0 on a length mismatch). */
function equalBands(a: Uint16Array, b: Uint16Array): number {
  if (a.length !== b.length) return 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

function readManifest(out: string, problems: Problem[]): PrepManifest | undefined {
  const file = join(out, MANIFEST_FILE);
  if (!existsSync(file)) {
    const parts = existsSync(out) ? readdirSync(out).filter((f) => PART_MANIFEST_PATTERN.test(f)) : [];
    const message = parts.length > 0
      ? `manifest.json is missing; the folder holds part manifests (${parts.join(", ")}): ` +
        `when every part is done, run ben19 merge-manifests ${out}`
      : "manifest.json is missing: the prep run did not finish (rerun prep)";
    problems.push({ file, message });
    return undefined;
  }
  try {
    const m = parseJsonBounded(readFileSync(file, "utf8"), { file, hint: "" }) as PrepManifest;
    if (m.format !== MANIFEST_FORMAT) {
      const message = `unknown manifest format ${JSON.stringify(m.format)}, expected ${MANIFEST_FORMAT}`;
      problems.push({ file, message });
    }
    return m;
  } catch (e) {
    problems.push({ file, message: `manifest.json cannot be read: ${(e as Error).message}` });
    return undefined;
  }
}

/** Checks one decoded record against the record schema; returns what is wrong. */
function schemaProblems(p: DecodedPatch): string[] {
  const out: string[] = [];
  p.bands.forEach((b, i) => {
    if (b.length !== BAND_PIXELS[i]) {
      out.push(`band ${BAND_NAMES[i]} has ${b.length} values, expected ${BAND_PIXELS[i]}`);
    }
  });
  if (p.multiHot.length !== CLASS_COUNT_19) {
    out.push(`multi-hot has ${p.multiHot.length} values, expected ${CLASS_COUNT_19}`);
  }
  const expected = names19(p.multiHot);
  if (expected.join("\n") !== p.labels.join("\n")) {
    out.push(`labels ${JSON.stringify(p.labels)} do not match the multi-hot vector (${JSON.stringify(expected)})`);
  }
  if (p.patchName.length === 0) out.push("empty patch_name");
  return out;
}

interface SplitCheck {
  name: string;
  manifest: SplitManifest;
  /** Patch names in record order (round-robin across shards undone). */
  order: string[];
}

async function checkSplit(core: Core, out: string, name: string, sm: SplitManifest, ctx: Ctx): Promise<SplitCheck> {
  const K = sm.files.length;
  const perShard: string[][] = [];
  const labels = new Array<number>(CLASS_COUNT_19).fill(0);
  let records = 0;
  for (const f of sm.files) {
    const file = join(out, f.file);
    const names: string[] = [];
    perShard.push(names);
    ctx.files++;
    if (!existsSync(file)) {
      ctx.problem({ file, message: "listed in the manifest but missing" });
      continue;
    }
    const size = statSync(file).size;
    if (size !== f.bytes) ctx.problem({ file, message: `has ${size} bytes, the manifest says ${f.bytes}` });
    const sha = sha256OfFile(file);
    sha.catch(() => undefined); // awaited below; keeps an early read error from counting as unhandled
    let n = 0;
    try {
      for await (const r of readRecords(file)) {
        n++;
        let p: DecodedPatch;
        let mm: MmRecordParts | undefined;
        try {
          if (ctx.mm) {
            const parts = splitMmExample(r.data);
            mm = parts.mm;
            p = core.decodePatch(parts.s2);
          } else p = core.decodePatch(r.data);
        } catch (e) {
          const why = e instanceof Ben19Error ? e.message : String(e);
          ctx.problem({ file, record: r.index, message: `not a BigEarthNet-19 Example: ${why}` });
          continue;
        }
        names.push(p.patchName);
        for (const m of schemaProblems(p)) ctx.problem({ file, record: r.index, patch: p.patchName, message: m });
        for (let k = 0; k < CLASS_COUNT_19; k++) {
          labels[k] = (labels[k] as number) + ((p.multiHot[k] as number) === 1 ? 1 : 0);
        }
        if (ctx.root !== undefined) await ctx.compare(p, file, r.index, mm);
        ctx.records++;
        ctx.tick();
      }
    } catch (e) {
      ctx.problem({ file, message: e instanceof Ben19Error ? e.describe() : String(e) });
    }
    records += n;
    if (n !== f.records) ctx.problem({ file, message: `has ${n} records, the manifest says ${f.records}` });
    if ((await sha) !== f.sha256) {
      ctx.problem({ file, message: "sha256 differs from the manifest: the file changed after prep wrote it" });
    }
  }
  if (records !== sm.records) {
    ctx.problem({ message: `split ${name}: ${records} records in its files, the manifest says ${sm.records}` });
  }
  for (let k = 0; k < CLASS_COUNT_19; k++) {
    const [cls, want] = Object.entries(sm.label_counts)[k] ?? ["?", 0];
    if (labels[k] !== want) {
      ctx.problem({ message: `split ${name}: ${labels[k]} records labelled "${cls}", the manifest says ${want}` });
    }
  }
  // Record i of the split went to shard i mod K as its (i div K)-th record: interleave to get CSV order back.
  const order: string[] = [];
  for (let i = 0; ; i++) {
    const name = perShard[i % K]?.[Math.floor(i / K)];
    if (name === undefined) break;
    order.push(name);
  }
  // Archive order (.tar.gz input): the manifest's hash chain over the record order must match it.
  if (sm.order_sha256 !== undefined && order.reduce(chainOrder, ORDER_CHAIN_START) !== sm.order_sha256) {
    const message = `split ${name}: the record order differs from the one the manifest records (order_sha256)`;
    ctx.problem({ message });
  }
  return { name, manifest: sm, order };
}

interface Ctx {
  root: string | undefined;
  files: number;
  records: number;
  problem(p: Problem): void;
  /** MM records (the manifest records S1 inputs): decoded with splitMmExample, S1 compared too. */
  mm: boolean;
  compare(p: DecodedPatch, file: string, record: number, mm?: MmRecordParts): Promise<void>;
  tick(): void;
}

/** The exclusion lists the manifest names, re-read to derive the expected record order; a changed list is a problem. */
async function exclusionLists(m: PrepManifest, ctx: Ctx, source: PrepSource | undefined): Promise<ExclusionList[]> {
  const lists: ExclusionList[] = [...(source?.lists ?? [])];
  for (const x of m.options.exclude ?? []) {
    if (lists.some((l) => l.list === x.list)) continue; // reBEN's snow_cloud list, re-derived by the source
    try {
      const l = await readExclusionList(x.list, x.file, "--exclude-list");
      if (l.sha256 !== x.sha256) {
        ctx.problem({ file: x.file, message: `exclusion list ${x.list} changed since prep (sha256 differs)` });
      }
      lists.push(l);
    } catch (e) {
      const why = e instanceof Ben19Error ? e.describe() : String(e);
      ctx.problem({ file: x.file, message: `cannot read exclusion list ${x.list}: ${why}` });
    }
  }
  return lists;
}

/** Verifies a prep output folder; see the module comment. */
export async function verify(o: VerifyOptions): Promise<VerifyReport> {
  const problems: Problem[] = [];
  let dropped = 0;
  if (o.root !== undefined && existsSync(o.root) && !statSync(o.root).isDirectory()) {
    const message = "verify -r compares records with the archive folder; " +
      "a tarball cannot be read patch by patch in any order";
    const hint = "extract the archive and pass its folder, or verify without -r " +
      "(CRCs, schema, manifest and order_sha256 are still checked)";
    throw new Ben19Error("E_OPTION", message, { file: o.root }, hint);
  }
  const core = await createCore();
  const manifest = readManifest(o.out, problems);
  const total = manifest === undefined ? 0 : Object.values(manifest.splits).reduce((a, s) => a + s.records, 0);
  const v2 = manifest?.options.archive;
  // reBEN: the patches lie in tile folders, the labels and the default splits come from the metadata.
  const source = v2 !== undefined && o.root !== undefined
    ? await openSource({ root: o.root, metadata: v2.metadata, splits: [], includeSnowCloud: v2.include_snow_cloud })
    : undefined;
  const readSource = (name: string): Promise<PatchData> => {
    if (source === undefined) return readPatch(o.root as string, name);
    const mask = source.labelMask?.(name);
    if (mask === undefined) {
      const place = { patch: name, file: v2?.metadata };
      return Promise.reject(new Ben19Error("E_NOT_IN_METADATA", "the patch is not in the metadata", place));
    }
    return readPatchDir(v2PatchDir(source.layout.root, name), { labels: false })
      .then((p) => ({ ...p, multiHot: maskToMultiHot(mask) }));
  };
  const mmInfo = manifest?.options.mm;
  const ctx: Ctx = {
    root: o.root,
    mm: mmInfo !== undefined,
    files: 0,
    records: 0,
    problem(p) {
      if (problems.length < MAX_LISTED) problems.push(p);
      else dropped++;
    },
    async compare(p, file, record, mm) {
      if (mm !== undefined && mmInfo !== undefined) {
        const found = await compareMm(mm, mmInfo, v2 !== undefined);
        for (const message of found) ctx.problem({ file, record, patch: p.patchName, message });
      }
      let src;
      try {
        src = await readSource(p.patchName);
      } catch (e) {
        const why = e instanceof Ben19Error ? e.describe() : String(e);
        ctx.problem({ file, record, patch: p.patchName, message: `cannot read the source patch: ${why}` });
        return;
      }
      src.bands.forEach((b, i) => {
        const at = equalBands(b, p.bands[i] as Uint16Array);
        if (at >= 0) {
          const message = `band ${BAND_NAMES[i]} differs from the archive at pixel ${at}`;
          ctx.problem({ file, record, patch: p.patchName, message });
        }
      });
      const hot = src.multiHot ?? multiHot19(src.labels43 ?? []);
      if (hot.some((v, k) => v !== p.multiHot[k])) {
        const message = `19-class labels ${JSON.stringify(p.labels)} ` +
          `differ from the archive's ${JSON.stringify(names19(hot))}`;
        ctx.problem({ file, record, patch: p.patchName, message });
      }
    },
    tick() {
      o.onProgress?.(ctx.records, total);
    },
  };
  if (manifest !== undefined) {
    for (const stray of readdirSync(o.out).filter((f) => f.endsWith(".tmp"))) {
      ctx.problem({ file: join(o.out, stray), message: "a temporary file of an unfinished or failed run" });
    }
    // A shard file no manifest lists would be picked up by `train_*.tfrecord` globs although nothing vouches for it.
    const listed = new Set(Object.values(manifest.splits).flatMap((sm) => sm.files.map((f) => f.file)));
    for (const extra of readdirSync(o.out).filter((f) => f.endsWith(".tfrecord") && !listed.has(f)).sort()) {
      const message = "a .tfrecord file the manifest does not list (left by another run): " +
        "delete it, or rerun prep with --overwrite, which removes it";
      ctx.problem({ file: join(o.out, extra), message });
    }
    const checks: SplitCheck[] = [];
    for (const [name, sm] of Object.entries(manifest.splits)) checks.push(await checkSplit(core, o.out, name, sm, ctx));
    if (source !== undefined && v2 !== undefined && source.archive?.metadata_sha256 !== v2.metadata_sha256) {
      ctx.problem({ file: v2.metadata, message: "the metadata changed since prep (sha256 differs)" });
    }
    const csvs = o.splits ?? (o.root !== undefined ? checks.map((c) => c.manifest.csv) : []);
    const lists = csvs.length > 0 ? await exclusionLists(manifest, ctx, source) : [];
    for (const [i, csv] of csvs.entries()) {
      // A reBEN split taken from the metadata names the metadata as its "CSV".
      const split: Split = o.splits === undefined && csv === v2?.metadata
        ? (source?.splits.find((s) => s.name === checks[i]?.name)
          ?? { name: checks[i]?.name ?? "", file: csv, patches: [] })
        : await readSplit(csv);
      const c = checks.find((x) => x.name === split.name);
      if (c === undefined) {
        ctx.problem({ file: csv, message: `split ${split.name} is not in the output` });
        continue;
      }
      const skipped = new Set(manifest.skipped.filter((s) => s.split === split.name).map((s) => s.patch));
      const expected = applyExclusions(split.patches, lists).kept.filter((p) => !skipped.has(p));
      // In archive order the records are the CSV's patches in the tarball's order: compare them as sorted lists.
      const archive = manifest.options.order === "archive";
      const got = archive ? [...c.order].sort() : c.order;
      if (archive) expected.sort();
      const first = expected.findIndex((p, i) => got[i] !== p);
      if (first >= 0 || expected.length !== c.order.length) {
        const i = first >= 0 ? first : Math.min(expected.length, c.order.length);
        const message = `split ${split.name}: ${archive ? "in sorted order, " : ""}` +
          `record ${i} is ${got[i] ?? "missing"}, ` +
          `the CSV (minus excluded and skipped patches) has ${expected[i] ?? "no more patches"} ` +
          `(${c.order.length} records for ${expected.length} patches)`;
        ctx.problem({ file: csv, message });
      }
    }
  }
  if (dropped > 0) problems.push({ message: `… and ${dropped} more problems` });
  return { ok: problems.length === 0, out: o.out, files: ctx.files, records: ctx.records, problems };
}
