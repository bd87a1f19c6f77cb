// reBEN (BigEarthNet v2.0): the real metadata and patch from ../shared, and a synth v2 archive end to end through
// the CLI (prep → verify -r → stats → train → eval → predict), from a folder, a .tar and a .tar.zst.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { readPatchDir } from "../../src/archive/patch.js";
import { tileOf } from "../../src/archive/v2/layout.js";
import { readV2Metadata, SNOW_CLOUD_FILE } from "../../src/archive/v2/metadata.js";
import { BAND_NAMES } from "../../src/core/bands.js";
import { run } from "../../src/cli/index.js";
import { memoryIo } from "../../src/cli/io.js";
import { ok } from "../helpers/cli.js";
import { REFERENCE_STATS, type BandStats } from "../../src/core/stats.js";
import { LABELS_19 } from "../../src/labels/nomenclature.js";
import { METADATA_FILE } from "../../src/contract/metadata.js";
import type { PrepManifest } from "../../src/prep/manifest.js";
import { readRecords } from "../../src/tfrecord/reader.js";
import { createCore, type DecodedPatch } from "../../src/wasm/core.js";
import { need, needGdal, needShared, PROJECT_ROOT, SHARED_DIR } from "../helpers/env.js";
import { tempDir } from "../helpers/fixtures.js";

const REAL = (): string => join(SHARED_DIR, "real-v2");
const REAL_PATCH = "S2A_MSIL2A_20170613T101031_N9999_R022_T33UUP_75_43";

async function decodeAll(file: string): Promise<DecodedPatch[]> {
  const core = await createCore();
  const out: DecodedPatch[] = [];
  for await (const r of readRecords(file)) out.push(core.decodePatch(r.data));
  return out;
}

function manifest(out: string): PrepManifest {
  return JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")) as PrepManifest;
}

const zstdMissing = (): string | undefined => (spawnSync("zstd", ["--version"]).status === 0 ? undefined : "the zstd command (Debian package zstd)");

test("the real metadata.parquet and its snow/cloud table: row counts per split, flags and labels", async (t) => {
  if (!needShared(t)) return;
  const m = await readV2Metadata(join(REAL(), "metadata.parquet"));
  const count = (x: typeof m, s: number): number => x.split.filter((v) => v === s).length;
  assert.equal(m.ids.length, 480038);
  assert.deepEqual([count(m, 0), count(m, 1), count(m, 2)], [237871, 122342, 119825]);
  assert.equal(m.snowCloud.filter((v) => v === 1).length, 0);
  assert.equal(new Set(m.ids).size, m.ids.length);
  assert.ok(m.labels.every((mask) => mask !== 0), "every reBEN patch has at least one 19-class label");
  // The real patch's labels, as the metadata lists them (alphabetically), land on ben19's class indices.
  const mask = m.labels[m.ids.indexOf(REAL_PATCH)] as number;
  assert.deepEqual(LABELS_19.filter((_, k) => ((mask >>> k) & 1) === 1), ["Arable land", "Pastures", "Land principally occupied by agriculture, with significant areas of natural vegetation"]);
  const sc = await readV2Metadata(join(REAL(), SNOW_CLOUD_FILE));
  assert.equal(sc.ids.length, 69450);
  assert.deepEqual([count(sc, 0), count(sc, 1), count(sc, 2)], [34673, 17235, 17542]);
  assert.equal(sc.snowCloud.filter((v) => v === 1).length, sc.ids.length);
});

test("the real reBEN patch through prep (CLI, pool): pixels equal GDAL's, labels equal the metadata's; verify -r accepts", async (t) => {
  if (!needShared(t) || !needGdal(t)) return;
  const dir = tempDir("v2-real-");
  const csv = join(dir, "validation.csv");
  writeFileSync(csv, `${REAL_PATCH}\n`);
  const out = join(dir, "out");
  await ok(["prep", "-r", REAL(), "-o", out, "-n", csv, "--workers", "2", "-q"]);
  const [p] = await decodeAll(join(out, "validation.tfrecord"));
  assert.ok(p !== undefined);
  assert.equal(p.patchName, REAL_PATCH);
  assert.deepEqual(p.labels, ["Arable land", "Pastures", "Land principally occupied by agriculture, with significant areas of natural vegetation"]);
  const folder = join(REAL(), "BigEarthNet-S2", tileOf(REAL_PATCH), REAL_PATCH);
  for (const [b, band] of BAND_NAMES.entries()) {
    const raw = join(dir, `${band}.raw`);
    const r = spawnSync("gdal_translate", ["-q", "-of", "ENVI", join(folder, `${REAL_PATCH}_${band}.tif`), raw]);
    assert.equal(r.status, 0, String(r.stderr));
    const buf = readFileSync(raw);
    assert.deepEqual(p.bands[b], new Uint16Array(buf.buffer, buf.byteOffset, buf.length / 2), band);
  }
  const m = manifest(out);
  assert.equal(m.options.archive?.version, "2.0");
  assert.match(m.options.archive?.metadata_sha256 ?? "", /^[0-9a-f]{64}$/);
  // -r BigEarthNet-S2/ itself: the tile folders' parent, with the manifest's metadata.
  await ok(["verify", out, "-r", join(REAL(), "BigEarthNet-S2"), "-q"]);
});

/** A synth reBEN archive written through the CLI (once per file). */
let synthV2: Promise<string> | undefined;
function v2Archive(): Promise<string> {
  synthV2 ??= (async () => {
    const out = join(tempDir("v2-synth-"), "reben");
    await ok(["synth", "--archive", "v2", "-o", out, "--patches", "40", "--seed", "3", "-q"]);
    return out;
  })();
  return synthV2;
}

test("synth v2 end to end (CLI): prep → verify -r → stats → train 1 epoch with v2 stats → eval → predict a v2 folder", async () => {
  const arch = await v2Archive();
  const dir = tempDir("v2-e2e-");
  const out = join(dir, "rec");
  await ok(["prep", "-r", arch, "-o", out, "--workers", "2", "-q"]);
  const m = manifest(out);
  assert.deepEqual(Object.keys(m.splits), ["train", "validation", "test"]);
  const table = await readV2Metadata(join(arch, "metadata.parquet"));
  for (const [s, name] of ["train", "validation", "test"].entries()) {
    const want = table.ids.filter((_, r) => table.split[r] === s);
    assert.ok(want.length > 0, `synth split ${name} is empty`);
    const got = await decodeAll(join(out, `${name}.tfrecord`));
    assert.deepEqual(got.map((p) => p.patchName), want, `${name}: records in metadata order`);
    for (const p of got) {
      const mask = table.labels[table.ids.indexOf(p.patchName)] as number;
      assert.deepEqual([...p.multiHot], LABELS_19.map((_, k) => (mask >>> k) & 1), p.patchName);
    }
  }
  await ok(["verify", out, "-r", arch, "-q"]);

  const stats = join(dir, "stats.json");
  await ok(["stats", join(out, "train.tfrecord"), "-o", stats, "-q"]);
  const run1 = join(dir, "run");
  await ok(["train", "--model", "kbranch", "--train", join(out, "train.tfrecord"), "--val", join(out, "validation.tfrecord"), "--out", run1, "--epochs", "1", "--batch-size", "8", "--backend", "wasm", "--stats", stats, "-q"]);
  const meta = JSON.parse(readFileSync(join(run1, "model", METADATA_FILE), "utf8")) as { normalization: { stats: BandStats } };
  const want = (JSON.parse(readFileSync(stats, "utf8")) as { bands: BandStats }).bands;
  assert.deepEqual(meta.normalization.stats, want, "the model records the v2 statistics it was trained with");
  assert.notDeepEqual(want, REFERENCE_STATS);
  const metrics = join(dir, "metrics.json");
  await ok(["eval", "--model", run1, "--data", join(out, "test.tfrecord"), "--out", metrics, "--backend", "wasm", "-q"]);
  assert.equal((JSON.parse(readFileSync(metrics, "utf8")) as { num_samples: number }).num_samples, m.splits["test"]?.records);
  const patch = table.ids[0] as string;
  const stdout = await ok(["predict", "--model", run1, join(arch, "BigEarthNet-S2", tileOf(patch), patch), "--json", "--backend", "wasm"]);
  const pred = JSON.parse(stdout.trim().split("\n")[0] as string) as { patch_name: string; probabilities: number[] };
  assert.equal(pred.patch_name, patch);
  assert.equal(pred.probabilities.length, 19);
  assert.ok(pred.probabilities.every((p) => p >= 0 && p <= 1));
});

test("v2 from a folder, a .tar and a .tar.zst (zstd via fzstd and, where Node has it, node:zlib) give identical shards, 1 and 2 workers", async (t) => {
  const arch = await v2Archive();
  const dir = tempDir("v2-tar-");
  const tar = join(dir, "BigEarthNet-S2.tar");
  // Sorted by name, the tarball's order is the metadata's (patch ids sorted), so archive order = metadata order.
  const r = spawnSync("tar", ["--sort=name", "-cf", tar, "-C", arch, "BigEarthNet-S2"]);
  if (!need(t, r.status === 0 ? undefined : "GNU tar with --sort") || !need(t, zstdMissing())) return;
  const zst = join(dir, "BigEarthNet-S2.tar.zst");
  assert.equal(spawnSync("zstd", ["-q", "-f", tar, "-o", zst]).status, 0);
  const meta = join(arch, "metadata.parquet");
  const runs: [string, string[]][] = [
    ["folder", ["-r", arch]],
    ["tar", ["-r", tar, "--metadata", meta]],
    ["tar.zst", ["-r", zst, "--metadata", meta]],
  ];
  const outputs: string[] = [];
  for (const [kind, args] of runs) {
    for (const workers of ["1", "2"]) {
      const out = join(dir, `${kind}-${workers}`);
      const pure = process.env.BEN19_PURE_ZSTD;
      // One of the two .tar.zst runs forces the pure-JS decoder (the only one on Node 20).
      if (kind === "tar.zst" && workers === "1") process.env.BEN19_PURE_ZSTD = "1";
      try {
        await ok(["prep", ...args, "-o", out, "--workers", workers, "--shards", "2", "-q"]);
      } finally {
        if (pure === undefined) delete process.env.BEN19_PURE_ZSTD;
        else process.env.BEN19_PURE_ZSTD = pure;
      }
      outputs.push(out);
    }
  }
  const files = readdirSync(outputs[0] as string).filter((f) => f.endsWith(".tfrecord")).sort();
  assert.equal(files.length, 6);
  for (const out of outputs.slice(1)) {
    for (const f of files) assert.deepEqual(readFileSync(join(out, f)), readFileSync(join(outputs[0] as string, f)), `${out} ${f}`);
  }
  assert.equal(manifest(outputs[4] as string).options.order, "archive");
  await ok(["verify", outputs[5] as string, "-r", arch, "-q"]);
  // A damaged .tar.zst is a named error, not a crash.
  const bytes = readFileSync(zst);
  writeFileSync(join(dir, "bad.tar.zst"), bytes.subarray(0, bytes.length >> 1));
  const io = memoryIo();
  assert.notEqual(await run(["prep", "-r", join(dir, "bad.tar.zst"), "--metadata", meta, "-o", join(dir, "bad"), "-q"], io), 0);
  assert.match(io.stderr, /E_TAR|tarball|zstd/);
  assert.doesNotMatch(io.stderr, /\n\s+at /);
});

test("v2 snow/cloud, -n, missing folders and patches missing from the metadata", async () => {
  const arch = await v2Archive();
  const dir = tempDir("v2-opts-");
  const table = await readV2Metadata(join(arch, "metadata.parquet"));
  const snow = await readV2Metadata(join(arch, SNOW_CLOUD_FILE));
  assert.ok(snow.ids.length > 0, "the synth archive has snow/cloud patches");
  // --include-snow-cloud adds the companion table's patches to their splits.
  const all = join(dir, "all");
  await ok(["prep", "-r", arch, "-o", all, "--include-snow-cloud", "-q"]);
  const total = Object.values(manifest(all).splits).reduce((a, s) => a + s.records, 0);
  assert.equal(total, table.ids.length + snow.ids.length);
  await ok(["verify", all, "-r", arch, "-q"]);
  // -n: listed patches only; a snow patch is excluded (counted), an unknown id and a missing folder are skipped.
  const copy = join(dir, "copy");
  cpSync(arch, copy, { recursive: true });
  const gone = table.ids[1] as string;
  rmSync(join(copy, "BigEarthNet-S2", tileOf(gone), gone), { recursive: true });
  const csv = join(dir, "mine.csv");
  writeFileSync(csv, [table.ids[0], gone, snow.ids[0], "S2A_MSIL2A_20170101T000000_N9999_R001_T00AAA_1_1"].join("\n"));
  const out = join(dir, "mine");
  const io = memoryIo();
  assert.equal(await run(["prep", "-r", copy, "-o", out, "-n", csv, "--on-error", "skip", "-q"], io), 0, io.stderr);
  const sm = manifest(out).splits["mine"];
  assert.equal(sm?.records, 1);
  assert.equal(sm?.excluded_by_list?.["snow_cloud"], 1);
  assert.deepEqual(manifest(out).skipped.map((s) => s.code).sort(), ["E_MISSING_FOLDER", "E_NOT_IN_METADATA"]);
  // Under fail the missing folder stops the run with a named error and no output (found before any work).
  const failed = memoryIo();
  assert.notEqual(await run(["prep", "-r", copy, "-o", join(dir, "fail"), "-n", csv, "-q"], failed), 0);
  assert.match(failed.stderr, /incomplete or missing in the archive, found before any work/);
  // prep checks every listed patch before any work (precheck.ts) and names each one it lacks.
  assert.match(failed.stderr, new RegExp(`${gone}: the patch folder is missing`));
  assert.ok(!existsSync(join(dir, "fail", "manifest.json")));
  // Tile folders without metadata: a named error saying which file to pass.
  const bare = join(dir, "bare");
  mkdirSync(bare);
  cpSync(join(arch, "BigEarthNet-S2"), bare, { recursive: true });
  const e = memoryIo();
  assert.notEqual(await run(["prep", "-r", bare, "-o", join(dir, "bare-out"), "-q"], e), 0);
  assert.match(e.stderr, /--metadata/);
});

test("the web demo opens a real reBEN patch's 12 files (no label file) to the pixels prep reads", async (t) => {
  if (!needShared(t)) return;
  const dir = join(REAL(), "BigEarthNet-S2", tileOf(REAL_PATCH), REAL_PATCH);
  // The page's own module (it imports dist/, which npm test builds first).
  const { openFiles } = (await import(join(PROJECT_ROOT, "web", "patch.js"))) as { openFiles: (f: File[], core: unknown) => Promise<{ patch: { name: string; bands: Uint16Array[]; labels19: string[] | null } }> };
  const files = readdirSync(dir).map((n) => new File([readFileSync(join(dir, n))], n));
  assert.equal(files.length, 12);
  const { patch } = await openFiles(files, await createCore());
  assert.equal(patch.name, REAL_PATCH);
  assert.equal(patch.labels19, null);
  assert.deepEqual(patch.bands, (await readPatchDir(dir, { labels: false })).bands);
});
