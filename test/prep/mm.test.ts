// MM prep from the CLI through the worker pool: the 6 real v1 S1/S2 pairs give records whose S2 part is byte for
// byte the reference's S2 record (golden file) and whose VV/VH are GDAL's float32 values, in bytewise-sorted key
// order; --workers 1 and 2, shards, a .tar S2 root and --resume after a named label-mismatch stop give the same
// bytes; verify -r checks both archives. reBEN: synth with S1 and reference maps, --s1 --reference-maps. The S1 and
// reference-map roots as an uncompressed .tar give the folders' bytes (verify -r reading the same .tar); a .tar.gz
// partner root is a named error before any work; --check and the fail pre-check name a missing S1 partner.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { test } from "node:test";
import { tileOf } from "../../src/archive/v2/layout.js";
import { synthPatch } from "../../src/synth/patch.js";
import { synthReferenceMap, synthS1Bands } from "../../src/synth/s1.js";
import { synthArchiveV2 } from "../../src/synth/v2.js";
import { KEY_REFERENCE_MAP } from "../../src/tfrecord/mm-schema.js";
import { exampleEntries, splitMmExample } from "../../src/tfrecord/mm-record.js";
import { readRecords } from "../../src/tfrecord/reader.js";
import { createCore } from "../../src/wasm/core.js";
import { needGdal, needShared, SHARED_DIR } from "../helpers/env.js";
import { tempDir } from "../helpers/fixtures.js";
import { patchEntries, writeTar, type TarInput } from "../helpers/tar.js";
import { cli, ok } from "../helpers/cli.js";

const S1 = (): string => join(SHARED_DIR, "real-v1-s1");
const S2 = (): string => join(SHARED_DIR, "real-v1");

/** The MM CSV of the real pairs in the golden CSV's order (each S1 JSON names its S2 partner). */
function realPairsCsv(dir: string): string {
  const partner = new Map<string, string>();
  for (const s1 of readdirSync(S1())) {
    const metaFile = join(S1(), s1, `${s1}_labels_metadata.json`);
    const meta = JSON.parse(readFileSync(metaFile, "utf8")) as { corresponding_s2_patch: string };
    partner.set(meta.corresponding_s2_patch, s1);
  }
  const order = readFileSync(join(SHARED_DIR, "golden", "real-v1.csv"), "utf8").split(/\r?\n/).filter((l) => l !== "");
  const file = join(dir, "real.csv");
  writeFileSync(file, order.map((s2) => `${s2},${partner.get(s2) as string}\r\n`).join(""));
  return file;
}

async function records(file: string): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for await (const r of readRecords(file)) out.push(r.data.slice());
  return out;
}

test("MM prep v1 on the 6 real pairs: S2 part = golden S2 records, VV/VH = GDAL, sorted keys; verify -r", async (t) => {
  if (!needShared(t) || !needGdal(t)) return;
  const dir = tempDir();
  const csv = realPairsCsv(dir);
  const out = join(dir, "w1");
  await ok(["prep", "-r1", S1(), "-r2", S2(), "-n", csv, "-o", out, "--workers", "1", "--quiet"]);
  const mm = await records(join(out, "real.tfrecord"));
  const golden = await records(join(SHARED_DIR, "golden", "real-v1.tfrecord"));
  assert.equal(mm.length, 6);
  const core = await createCore();
  for (const [i, data] of mm.entries()) {
    const keys = exampleEntries(data).map((e) => e.key);
    const bytewise = (a: string, b: string): number => (Buffer.from(a) < Buffer.from(b) ? -1 : 1);
    assert.deepEqual(keys, [...keys].sort(bytewise), "bytewise-sorted keys");
    assert.deepEqual(keys.slice(-4), ["VH", "VV", "patch_name_s1", "patch_name_s2"]);
    // The core's independent decoder sees float_lists of 14,400 values.
    const kinds = Object.fromEntries(core.decodeExample(data).map((f) => [f.key, `${f.kind}/${f.count}`]));
    assert.equal(kinds.VV, "float_list/14400");
    assert.equal(kinds.VH, "float_list/14400");
    const { s2, mm: parts } = splitMmExample(data);
    assert.deepEqual(Buffer.from(s2), Buffer.from(golden[i] as Uint8Array),
      `record ${i}: S2 part = the reference's S2 record`);
    for (const band of ["VV", "VH"] as const) {
      const raw = join(dir, "gdal.raw");
      const tif = join(S1(), parts.s1Name, `${parts.s1Name}_${band}.tif`);
      assert.equal(spawnSync("gdal_translate", ["-q", "-of", "ENVI", tif, raw]).status, 0);
      const got = band === "VV" ? parts.vv : parts.vh;
      assert.deepEqual(Buffer.from(got.buffer, got.byteOffset, got.byteLength), readFileSync(raw),
        `${parts.s1Name} ${band}`);
    }
  }
  type Manifest = { schema: { features: Record<string, { kind: string }> }; options: { mm?: unknown } };
  const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")) as Manifest;
  assert.equal(manifest.schema.features.VV?.kind, "float_list");
  assert.equal(manifest.schema.features.patch_name, undefined);
  assert.ok(manifest.options.mm !== undefined);
  assert.match(await ok(["verify", out, "-r", S2()]), /OK: 6 records/);

  // --workers 2 with 2 shards, and the S2 root as a .tar: the same records (round-robin over the shards).
  const tar = join(dir, "s2.tar");
  writeFileSync(tar, writeTar(patchEntries(S2(), readdirSync(S2()))));
  for (const [root, workers] of [[S2(), "2"], [tar, "2"]] as const) {
    const o2 = join(dir, `w${workers}-${root === tar ? "tar" : "dir"}`);
    await ok(["prep", "-r1", S1(), "--root_folder_s2", root, "-n", csv, "-o", o2, "--workers", workers, "--shards", "2",
      "--quiet"]);
    const [a, b] = [await records(join(o2, "real_00.tfrecord")), await records(join(o2, "real_01.tfrecord"))];
    const merged = mm.map((_, i) => ((i % 2 === 0 ? a : b)[Math.floor(i / 2)] as Uint8Array));
    merged.forEach((r, i) => assert.deepEqual(Buffer.from(r), Buffer.from(mm[i] as Uint8Array), `${o2} record ${i}`));
  }
});

test("MM prep v1: differing labels stop with E_LABEL_MISMATCH; fixed, --resume gives the same bytes", async (t) => {
  if (!needShared(t)) return;
  const dir = tempDir();
  const csv = realPairsCsv(dir);
  const s1 = join(dir, "s1");
  cpSync(S1(), s1, { recursive: true });
  const clean = join(dir, "clean");
  await ok(["prep", "-r1", s1, "-r2", S2(), "-n", csv, "-o", clean, "--workers", "1", "--quiet"]);
  // The 4th pair of the CSV gets another label on its S1 side.
  const fourth = (readFileSync(csv, "utf8").split("\r\n")[3] as string).split(",")[1] as string;
  const json = join(s1, fourth, `${fourth}_labels_metadata.json`);
  const original = readFileSync(json, "utf8");
  const meta = JSON.parse(original) as { labels: string[] };
  const moved = [...meta.labels.filter((l) => l !== "Sea and ocean"), "Sea and ocean"];
  writeFileSync(json, JSON.stringify({ ...meta, labels: moved }));
  const out = join(dir, "out");
  const failed = await cli(["prep", "-r1", s1, "-r2", S2(), "-n", csv, "-o", out, "--workers", "1", "--quiet"]);
  assert.notEqual(failed.code, 0);
  assert.match(failed.stderr, /S1 labels.*differ from the S2 labels.*--resume/s);
  assert.doesNotMatch(failed.stderr, /\n\s+at /, "no stack trace");
  writeFileSync(json, original);
  await ok(["prep", "-r1", s1, "-r2", S2(), "-n", csv, "-o", out, "--workers", "2", "--resume", "--quiet"]);
  assert.deepEqual(readFileSync(join(out, "real.tfrecord")), readFileSync(join(clean, "real.tfrecord")));
  // A one-column CSV is a named error.
  const one = join(dir, "one.csv");
  writeFileSync(one, readFileSync(join(SHARED_DIR, "golden", "real-v1.csv")));
  const r = await cli(["prep", "-r1", s1, "-r2", S2(), "-n", one, "-o", join(dir, "x"), "--quiet"]);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /line 1 .*has no second column \(the S1 patch\).*two columns/s);
});

test("MM prep v2 on synth: --s1 and --reference-maps add VV/VH and the reference map; verify -r", async () => {
  const dir = tempDir();
  const s1 = join(dir, "BigEarthNet-S1");
  const s = await synthArchiveV2({ out: dir, s1, referenceMaps: join(dir, "Reference_Maps"), patches: 12, seed: 5,
    layout: "lzw" });
  const out = join(dir, "out");
  await ok(["prep", "-r", dir, "--s1", join(dir, "BigEarthNet-S1"), "--reference-maps", dir, "-o", out,
    "--workers", "2", "--quiet"]);
  const byName = new Map(Array.from({ length: 12 }, (_, i) => synthPatch(5, i)).map((p, i) => [p.name, { p, i }]));
  let n = 0;
  for (const split of ["train", "validation", "test"]) {
    for (const data of await records(join(out, `${split}.tfrecord`))) {
      const { mm } = splitMmExample(data);
      const row = s.rows.find((r) => r.patch_id === mm.s2Name);
      assert.equal(mm.s1Name, row?.s1_name);
      const { p, i } = byName.get(row?.s2v1_name as string) as { p: ReturnType<typeof synthPatch>; i: number };
      assert.deepEqual(mm.vv, synthS1Bands(5, i, p).vv);
      assert.deepEqual(mm.referenceMap, synthReferenceMap(p));
      assert.equal(exampleEntries(data).at(-1)?.key, KEY_REFERENCE_MAP);
      assert.ok(tileOf(mm.s2Name).length > 0);
      n++;
    }
  }
  assert.equal(n, s.rows.length);
  assert.match(await ok(["verify", out, "-r", dir]), new RegExp(`OK: ${n} records`));
});

/** Every file and folder under `dir`, as `<top>/<relative path>`, folders first. */
function treeEntries(dir: string, top: string): TarInput[] {
  const out: TarInput[] = [{ path: top }];
  for (const f of readdirSync(dir).sort()) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) out.push(...treeEntries(p, `${top}/${f}`));
    else out.push({ path: `${top}/${f}`, data: readFileSync(p) });
  }
  return out;
}

test("MM prep v1: S1 root as .tar = the folder's bytes; verify -r; .tar.gz refused; missing S1 named", async (t) => {
  if (!needShared(t)) return;
  const dir = tempDir();
  const csv = realPairsCsv(dir);
  const s1Names = readdirSync(S1());
  const tar = join(dir, "s1.tar");
  writeFileSync(tar, writeTar(patchEntries(S1(), s1Names, "BigEarthNet-S1-v1.0")));
  const [fromDir, fromTar] = [join(dir, "dir"), join(dir, "tar")];
  await ok(["prep", "-r1", S1(), "-r2", S2(), "-n", csv, "-o", fromDir, "--workers", "1", "--quiet"]);
  await ok(["prep", "-r1", tar, "-r2", S2(), "-n", csv, "-o", fromTar, "--workers", "2", "--quiet"]);
  assert.deepEqual(readFileSync(join(fromTar, "real.tfrecord")), readFileSync(join(fromDir, "real.tfrecord")));
  assert.match(await ok(["verify", fromTar, "-r", S2()]), /OK: 6 records/);

  const gz = join(dir, "s1.tar.gz");
  writeFileSync(gz, gzipSync(readFileSync(tar)));
  const out = join(dir, "gz");
  const r = await cli(["prep", "-r1", gz, "-r2", S2(), "-n", csv, "-o", out, "--quiet"]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /-r1\/--root_folder_s1.*s1\.tar\.gz.*compressed.*gunzip -k/s);
  assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
  assert.equal(existsSync(out), false, "nothing written");

  // One S1 partner left out of the .tar: --check names it (exit 1), and a run under fail stops before any work.
  const gone = s1Names[2] as string;
  const partial = join(dir, "partial.tar");
  writeFileSync(partial, writeTar(patchEntries(S1(), s1Names.filter((n) => n !== gone), "BigEarthNet-S1-v1.0")));
  const check = await cli(["prep", "-r1", partial, "-r2", S2(), "-n", csv, "-o", join(dir, "c"), "--check"]);
  assert.equal(check.code, 1, check.stderr);
  assert.match(check.stdout, new RegExp(`real: \\S+: the folder of its S1 patch ${gone} is missing`));
  assert.match(check.stdout, /1 of 6 patches/);
  const failed = await cli(["prep", "-r1", partial, "-r2", S2(), "-n", csv, "-o", join(dir, "f"), "--quiet"]);
  assert.notEqual(failed.code, 0);
  assert.match(failed.stderr, /1 patch\(es\) .*found before any work/);
  assert.match(failed.stderr, new RegExp(`S1 patch ${gone}`));
  assert.match(failed.stderr, /partial\.tar/, "the root that lacks it is named: the S1 root, not the S2 root");

  // Its S2 partner gone too: two lines for one patch, counted once.
  const meta = readFileSync(join(S1(), gone, `${gone}_labels_metadata.json`), "utf8");
  const s2Gone = (JSON.parse(meta) as { corresponding_s2_patch: string }).corresponding_s2_patch;
  const s2Names = readdirSync(S2());
  const s2Partial = join(dir, "s2-partial.tar");
  writeFileSync(s2Partial, writeTar(patchEntries(S2(), s2Names.filter((n) => n !== s2Gone))));
  const both = await cli(["prep", "-r1", partial, "-r2", s2Partial, "-n", csv, "-o", join(dir, "c2"), "--check"]);
  assert.equal(both.code, 1, both.stderr);
  assert.equal(both.stdout.split("\n").filter((l) => l.includes(s2Gone)).length, 2, both.stdout);
  assert.match(both.stdout, /1 of 6 patches/);

  // A streamed S2 input (.tar.gz) is not pre-checked (that takes a pass through it), but its S1 partners are:
  // the run still stops before any work.
  const s2Gz = join(dir, "s2.tar.gz");
  writeFileSync(s2Gz, gzipSync(writeTar(patchEntries(S2(), s2Names))));
  const streamedOut = join(dir, "s");
  const stopped = await cli(["prep", "-r1", partial, "-r2", s2Gz, "-n", csv, "-o", streamedOut, "--quiet"]);
  assert.notEqual(stopped.code, 0, stopped.stderr);
  assert.match(stopped.stderr, /1 patch\(es\) .*found before any work/);
  assert.match(stopped.stderr, new RegExp(`S1 patch ${gone}`));
  assert.equal(existsSync(join(streamedOut, "real.tfrecord")), false, "nothing written");
});

test("MM prep v2 on synth: --s1 and --reference-maps as .tar give the folders' bytes; verify -r", async () => {
  const dir = tempDir();
  await synthArchiveV2({ out: dir, s1: join(dir, "BigEarthNet-S1"), referenceMaps: join(dir, "Reference_Maps"),
    patches: 8, seed: 7, layout: "lzw" });
  const s1Tar = join(dir, "s1.tar");
  const mapsTar = join(dir, "maps.tar");
  writeFileSync(s1Tar, writeTar(treeEntries(join(dir, "BigEarthNet-S1"), "BigEarthNet-S1")));
  writeFileSync(mapsTar, writeTar(treeEntries(join(dir, "Reference_Maps"), "Reference_Maps")));
  const [a, b] = [join(dir, "a"), join(dir, "b")];
  await ok(["prep", "-r", dir, "--s1", dir, "--reference-maps", dir, "-o", a, "--workers", "1", "--quiet"]);
  await ok(["prep", "-r", dir, "--s1", s1Tar, "--reference-maps", mapsTar, "-o", b, "--workers", "2", "--quiet"]);
  let n = 0;
  for (const f of readdirSync(a).filter((x) => x.endsWith(".tfrecord"))) {
    assert.deepEqual(readFileSync(join(b, f)), readFileSync(join(a, f)), f);
    n++;
  }
  assert.ok(n > 0);
  assert.match(await ok(["verify", b, "-r", dir]), /OK: \d+ records/);
});

test("MM prep v1: --part 0/2 + 1/2 merged = one run; --on-error skip leaves out the pair missing its S1", async (t) => {
  if (!needShared(t)) return;
  const dir = tempDir();
  const csv = realPairsCsv(dir);
  const single = join(dir, "single");
  const args = ["-r1", S1(), "-r2", S2(), "-n", csv, "--shards", "2", "--quiet"];
  await ok(["prep", ...args, "-o", single, "--workers", "2"]);
  const parts = [join(dir, "p0"), join(dir, "p1")];
  for (const [i, p] of parts.entries()) await ok(["prep", ...args, "-o", p, "--part", `${i}/2`, "--workers", "1"]);
  const merged = join(dir, "merged");
  await ok(["merge-manifests", ...parts, "--out", merged, "--quiet"]);
  const shards = readdirSync(single).filter((f) => f.endsWith(".tfrecord")).sort();
  assert.equal(shards.length, 2);
  for (const f of shards) assert.deepEqual(readFileSync(join(merged, f)), readFileSync(join(single, f)), f);
  assert.match(await ok(["verify", merged, "-r", S2()]), /OK: 6 records/);

  // One S1 partner missing: under skip the other five pairs are written and errors.json names the sixth.
  const s1Names = readdirSync(S1());
  const gone = s1Names[4] as string;
  const s1 = join(dir, "s1-partial");
  for (const n of s1Names.filter((x) => x !== gone)) cpSync(join(S1(), n), join(s1, n), { recursive: true });
  const skipped = join(dir, "skipped");
  await ok(["prep", "-r1", s1, "-r2", S2(), "-n", csv, "-o", skipped, "--on-error", "skip", "--quiet"]);
  const all = await records(join(single, shards[0] as string));
  const kept = await records(join(skipped, "real.tfrecord"));
  assert.equal(kept.length, 5);
  const errors = JSON.parse(readFileSync(join(skipped, "errors.json"), "utf8")) as { patch: string; message: string }[];
  assert.equal(errors.length, 1);
  assert.match(errors[0]?.message ?? "", new RegExp(`its S1 patch ${gone}: the patch folder does not exist`));
  // The five are the single run's records of the other pairs, byte for byte (the single run spread them over two
  // shards, so they are compared as sets).
  const single5 = [...all, ...(await records(join(single, shards[1] as string)))]
    .filter((r) => !Buffer.from(r).includes(Buffer.from(gone)));
  const hex = (rs: Uint8Array[]): string[] => rs.map((r) => Buffer.from(r).toString("hex")).sort();
  assert.equal(single5.length, 5);
  assert.deepEqual(hex(kept), hex(single5));
});
