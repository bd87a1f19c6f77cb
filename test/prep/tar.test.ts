import assert from "node:assert/strict";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { gzipSync } from "node:zlib";
import { readPatch, readPatchFromFiles } from "../../src/archive/patch.js";
import { TarStream } from "../../src/archive/tar.js";
import { Ben19Error } from "../../src/core/errors.js";
import { multiHot19 } from "../../src/labels/convert.js";
import { chainOrder, ORDER_CHAIN_START, type PrepManifest } from "../../src/prep/manifest.js";
import { prep } from "../../src/prep/run.js";
import { readRecords } from "../../src/tfrecord/reader.js";
import { verify } from "../../src/verify/verify.js";
import { createCore } from "../../src/wasm/core.js";
import { synthFixture, tempDir } from "../helpers/fixtures.js";
import { patchEntries, writeTar, type LongNames, type TarInput } from "../helpers/tar.js";

const SPLITS = ["train", "val", "test"] as const;
const csvNames = (file: string): string[] => readFileSync(file, "utf8").split("\r\n").filter((n) => n !== "");
const longNames = (i: number): LongNames => (["gnu", "pax", "prefix"] as const)[i % 3] as LongNames;

/**
 * The records of `split` in `out` as patch name → record bytes, and the names in written order: record i of the
 * split is record ⌊i/K⌋ of shard i mod K (round-robin), so the shards are interleaved back.
 */
async function records(out: string, split: string): Promise<{ names: string[]; byName: Map<string, Buffer> }> {
  const core = await createCore();
  const byName = new Map<string, Buffer>();
  const shards: string[][] = [];
  for (const f of readdirSync(out).filter((x) => x.startsWith(split) && x.endsWith(".tfrecord")).sort()) {
    const names: string[] = [];
    for await (const r of readRecords(join(out, f))) {
      const n = core.decodePatch(r.data).patchName;
      names.push(n);
      byName.set(n, Buffer.from(r.data));
    }
    shards.push(names);
  }
  const total = shards.reduce((a, x) => a + x.length, 0);
  const names = Array.from({ length: total }, (_, i) => shards[i % shards.length]?.[Math.floor(i / shards.length)] as string);
  return { names, byName };
}

async function folderRun(shards: number): Promise<{ out: string; s: Awaited<ReturnType<typeof synthFixture>> }> {
  const s = await synthFixture(60);
  const out = tempDir();
  await prep({ root: s.out, out, splits: [s.splits.train, s.splits.val, s.splits.test], shards, workers: 2 });
  return { out, s };
}

test("the tar reader: GNU long names, pax paths and ustar prefixes give the same members, for any chunking", async () => {
  const s = await synthFixture(60);
  const entries = patchEntries(s.out, s.patches.slice(0, 3));
  const files = entries.filter((e) => e.data !== undefined);
  for (const how of ["gnu", "pax", "prefix"] as const) {
    const tar = writeTar(entries, how);
    for (const chunk of [1, 511, 512, 7777, tar.length]) {
      const got: TarInput[] = [];
      const t = new TarStream("x.tar", () => true, (m, bytes) => got.push({ path: m.path, data: bytes }));
      for (let p = 0; p < tar.length; p += chunk) t.push(tar.subarray(p, p + chunk));
      t.finish(true);
      assert.deepEqual(got.map((g) => g.path), files.map((f) => f.path), `${how}, chunks of ${chunk}`);
      got.forEach((g, i) => assert.ok(Buffer.from(g.data as Uint8Array).equals(Buffer.from(files[i]?.data as Uint8Array))));
    }
  }
  const bad = writeTar(entries);
  bad[700] = (bad[700] as number) ^ 1; // inside the second header
  assert.throws(() => new TarStream("x.tar", () => true, () => undefined).push(bad), (e: unknown) => e instanceof Ben19Error && e.code === "E_TAR_CORRUPT");
  const cut = new TarStream("x.tar", () => true, () => undefined);
  cut.push(writeTar(entries).subarray(0, 5000));
  assert.throws(() => cut.finish(true), (e: unknown) => e instanceof Ben19Error && e.code === "E_TAR_TRUNCATED");
});

test("readPatchFromFiles equals readPatch on the same bytes, and names what is missing", async () => {
  const s = await synthFixture(60);
  const name = s.patches[0] as string;
  const files = new Map(readdirSync(join(s.out, name)).map((f) => [f, readFileSync(join(s.out, name, f))] as const));
  assert.deepEqual(await readPatchFromFiles(name, files, "a.tar.gz"), await readPatch(s.out, name));
  files.delete(`${name}_B8A.tif`);
  await assert.rejects(readPatchFromFiles(name, files, "a.tar.gz"), (e: unknown) => e instanceof Ben19Error && e.code === "E_MISSING_BAND" && e.place.file === `a.tar.gz:${name}/${name}_B8A.tif`);
  await assert.rejects(readPatchFromFiles(name, undefined, "a.tar.gz"), (e: unknown) => e instanceof Ben19Error && e.code === "E_MISSING_FOLDER");
});

test(".tar input: shards and manifest byte-identical to the folder input (CSV order), whatever the tarball's order", async () => {
  const { out: ref, s } = await folderRun(2);
  const dir = tempDir();
  const tarFile = join(dir, "BigEarthNet-v1.0.tar");
  // Reversed patch order, a stray top-level file, and all three long-name encodings.
  writeFileSync(tarFile, writeTar([{ path: "BigEarthNet-v1.0/README.txt", data: Buffer.from("hello") }, ...patchEntries(s.out, [...s.patches].reverse())], longNames));
  const out = tempDir();
  await prep({ root: tarFile, out, splits: [s.splits.train, s.splits.val, s.splits.test], shards: 2, workers: 2 });
  const tfr = readdirSync(ref).filter((f) => f.endsWith(".tfrecord")).sort();
  assert.deepEqual(readdirSync(out).filter((f) => f.endsWith(".tfrecord")).sort(), tfr);
  for (const f of tfr) assert.ok(readFileSync(join(out, f)).equals(readFileSync(join(ref, f))), f);
  const m = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")) as PrepManifest;
  const r = JSON.parse(readFileSync(join(ref, "manifest.json"), "utf8")) as PrepManifest;
  assert.equal(m.options.root, tarFile);
  assert.deepEqual({ ...m, options: { ...m.options, root: "" } }, { ...r, options: { ...r.options, root: "" } });
});

test(".tar.gz input: each record byte-equal to the folder's, in archive order (per split), order_sha256 recorded", async () => {
  const { out: ref, s } = await folderRun(1);
  // A shuffled tarball in which two patches' files are interleaved (the reader's window must regroup them).
  const order = [...s.patches].sort((a, b) => (a.split("_")[2] ?? "").localeCompare(b.split("_")[2] ?? "") || a.localeCompare(b));
  const entries = patchEntries(s.out, order);
  const a = entries.findIndex((e) => e.path.endsWith(`${order[3]}_B01.tif`));
  const b = entries.findIndex((e) => e.path.endsWith(`${order[4]}_B01.tif`));
  [entries[a + 2], entries[b + 2]] = [entries[b + 2] as TarInput, entries[a + 2] as TarInput];
  const tgz = join(tempDir(), "archive.tgz");
  writeFileSync(tgz, gzipSync(writeTar(entries, longNames)));
  const out = tempDir();
  const m = (await prep({ root: tgz, out, splits: [s.splits.train, s.splits.val, s.splits.test], shards: 3, workers: 2 })).manifest;
  assert.equal(m.options.order, "archive");
  for (const split of SPLITS) {
    const want = new Set(csvNames(s.splits[split]));
    const expected = order.filter((n) => want.has(n));
    const got = await records(out, split);
    const base = await records(ref, split);
    assert.deepEqual(got.names, expected, split);
    for (const [name, bytes] of got.byName) assert.ok(bytes.equals(base.byName.get(name) as Buffer), `${split} ${name}`);
    assert.equal(m.splits[split]?.order_sha256, expected.reduce(chainOrder, ORDER_CHAIN_START));
  }
  assert.deepEqual((await verify({ out })).problems, []);
  assert.deepEqual((await verify({ out, root: s.out })).problems, [], "verify -r with the folder: the same records, in archive order");
  await assert.rejects(verify({ out, root: tgz }), (e: unknown) => e instanceof Ben19Error && /extract the archive/.test(e.describe()));
  // A record order other than the manifest's is found.
  const mf = join(out, "manifest.json");
  const bad = JSON.parse(readFileSync(mf, "utf8")) as PrepManifest;
  (bad.splits.val as { order_sha256?: string }).order_sha256 = ORDER_CHAIN_START;
  writeFileSync(mf, JSON.stringify(bad));
  assert.match((await verify({ out })).problems.map((p) => p.message).join("\n"), /split val: the record order differs/);
});

for (const ext of ["tar", "tar.gz"] as const) {
  // Changed behaviour (issue #16): a .tar's index lets the pre-check name the missing patch before any work; a
  // .tar.gz only knows at the end of its pass, and then keeps the work done for --resume instead of deleting it.
  test(`.${ext}: a CSV patch missing from the tarball stops the run (${ext === "tar" ? "before any work" : "at the end, work kept"}), or is skipped`, async () => {
    const s = await synthFixture(60);
    const names = csvNames(s.splits.train).slice(0, 10);
    const gone = names[4] as string;
    const tar = writeTar(patchEntries(s.out, names.filter((n) => n !== gone)));
    const file = join(tempDir(), `a.${ext}`);
    writeFileSync(file, ext === "tar" ? tar : gzipSync(tar));
    const csv = join(tempDir(), "train.csv");
    writeFileSync(csv, names.map((n) => `${n}\r\n`).join(""));
    const out = tempDir();
    const code = ext === "tar" ? "E_MISSING_PATCHES" : "E_MISSING_FOLDER";
    await assert.rejects(prep({ root: file, out, splits: [csv], workers: 2 }), (e: unknown) => e instanceof Ben19Error && e.code === code && new RegExp(gone).test(e.describe()));
    assert.deepEqual(readdirSync(out), ext === "tar" ? [] : [".ben19-prep.journal.json", "train.tfrecord.tmp"]);
    const r = await prep({ root: file, out, splits: [csv], workers: 2, onError: "skip", resume: true });
    assert.deepEqual(r.manifest.skipped.map((x) => [x.patch, x.code]), [[gone, "E_MISSING_FOLDER"]]);
    assert.equal(r.manifest.splits.train?.records, 9);
  });
}

test("tarball input: --update_json and .tar.gz with --part are refused; a file that is not a tarball is named", async () => {
  const s = await synthFixture(60);
  const dir = tempDir();
  const tgz = join(dir, "a.tar.gz");
  writeFileSync(tgz, "not gzip at all");
  await assert.rejects(prep({ root: tgz, out: tempDir(), splits: [s.splits.val], updateJson: true }), /update_json/);
  await assert.rejects(prep({ root: tgz, out: tempDir(), splits: [s.splits.val], shards: 2, part: { index: 0, count: 2 } }), /option part: .*\.tar\.gz/);
  await assert.rejects(prep({ root: tgz, out: tempDir(), splits: [s.splits.val] }), (e: unknown) => e instanceof Ben19Error && e.code === "E_TAR_CORRUPT" && /gzip/.test(e.describe()));
  const zip = join(dir, "a.zip");
  writeFileSync(zip, "PK");
  await assert.rejects(prep({ root: zip, out: tempDir(), splits: [s.splits.val] }), (e: unknown) => e instanceof Ben19Error && e.code === "E_MISSING_ROOT" && /\.tar\.gz/.test(e.describe()));
});

test("labels of a .tar.gz run equal the folder's per patch (multi-hot from the same JSON)", async () => {
  const s = await synthFixture(60);
  const tgz = join(tempDir(), "a.tar.gz");
  const names = csvNames(s.splits.val);
  writeFileSync(tgz, gzipSync(writeTar(patchEntries(s.out, names))));
  const out = tempDir();
  const r = await prep({ root: tgz, out, splits: [s.splits.val], workers: 1 });
  const expected = new Array<number>(19).fill(0);
  for (const n of names) multiHot19((await readPatch(s.out, n)).labels43 ?? []).forEach((v, k) => (expected[k] = (expected[k] as number) + v));
  assert.deepEqual(Object.values(r.manifest.splits.val?.label_counts ?? {}), expected);
});
