import assert from "node:assert/strict";
import { copyFileSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { run } from "../../src/cli/index.js";
import { memoryIo } from "../../src/cli/io.js";
import { Ben19Error, OptionError } from "../../src/core/errors.js";
import type { PrepManifest } from "../../src/prep/manifest.js";
import { mergeManifests } from "../../src/prep/merge.js";
import { parsePart } from "../../src/prep/partition.js";
import { prep } from "../../src/prep/run.js";
import { verify } from "../../src/verify/verify.js";
import { synthFixture, tempDir } from "../helpers/fixtures.js";

const SHARDS = 4;

/** The tfrecord files of a folder, by name. */
function shardFiles(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.endsWith(".tfrecord")).sort();
}

/** A single run with --shards 4 over train and val of a 60-patch archive (the reference the parts must equal). */
async function setup(): Promise<{ root: string; splits: string[]; single: string }> {
  const s = await synthFixture(60);
  const splits = [s.splits.train, s.splits.val];
  const single = tempDir();
  await prep({ root: s.out, out: single, splits, shards: SHARDS, workers: 2 });
  return { root: s.out, splits, single };
}

function assertSameOutput(single: string, merged: string): void {
  assert.deepEqual(shardFiles(merged), shardFiles(single));
  for (const f of shardFiles(single)) assert.deepEqual(readFileSync(join(merged, f)), readFileSync(join(single, f)), f);
  assert.equal(readFileSync(join(merged, "manifest.json"), "utf8"), readFileSync(join(single, "manifest.json"), "utf8"));
}

test("parts 0/2 and 1/2 in one folder: the single run's shards byte for byte; merged manifest.json identical; verify -r passes", async () => {
  const { root, splits, single } = await setup();
  const shared = tempDir();
  for (const i of [1, 0]) await prep({ root, out: shared, splits, shards: SHARDS, part: { index: i, count: 2 }, workers: 1 });
  const p1 = JSON.parse(readFileSync(join(shared, "manifest.part-1-of-2.json"), "utf8")) as PrepManifest;
  assert.deepEqual(p1.part, { index: 1, count: 2, shards: [1, 3] });
  assert.deepEqual(p1.splits.train?.files.map((f) => f.file), ["train_01.tfrecord", "train_03.tfrecord"]);
  assert.equal(existsSync(join(shared, "manifest.json")), false);
  const before = await verify({ out: shared });
  assert.match(before.problems[0]?.message ?? "", /part manifests.*merge-manifests/);
  const m = await mergeManifests({ dirs: [shared] });
  assert.deepEqual(m.moved, []);
  assertSameOutput(single, shared);
  const report = await verify({ out: shared, root });
  assert.deepEqual(report.problems, []);
});

test("parts 0/4 … 3/4 in four folders, merged into a fifth through the CLI: identical to the single run", async () => {
  const { root, splits, single } = await setup();
  const dirs = [0, 1, 2, 3].map(() => tempDir());
  for (const [i, dir] of dirs.entries()) {
    const io = memoryIo();
    const code = await run(["prep", "-r", root, "-o", dir, "-n", ...splits, "--shards", String(SHARDS), "--part", `${i}/4`, "--workers", "1", "--quiet"], io);
    assert.equal(code, 0, io.stderr);
    assert.match(io.stdout, new RegExp(`part ${i}/4 done \\(shards ${i}\\)`));
  }
  const out = join(tempDir(), "merged");
  const io = memoryIo();
  assert.equal(await run(["merge-manifests", ...dirs, "--out", out, "--quiet"], io), 0, io.stderr);
  assert.match(io.stdout, /merged 4 parts/);
  assertSameOutput(single, out);
  for (const d of dirs) assert.deepEqual(readdirSync(d), [], "shards and part manifests moved out");
  assert.deepEqual(readdirSync(out).filter((f) => f.startsWith("manifest.part-")).sort(), [0, 1, 2, 3].map((i) => `manifest.part-${i}-of-4.json`));
  const v = memoryIo();
  assert.equal(await run(["verify", out, "-r", root, "--quiet"], v), 0, v.stdout);
  // Merging again is idempotent: the same manifest, nothing to move.
  assert.equal((await mergeManifests({ dirs: [out] })).moved.length, 0);
  assertSameOutput(single, out);
});

/** Parts 0/2 and 1/2 in two folders. */
async function twoParts(): Promise<{ root: string; splits: string[]; dirs: string[] }> {
  const { root, splits } = await setup();
  const dirs = [tempDir(), tempDir()];
  for (const [i, dir] of dirs.entries()) await prep({ root, out: dir, splits, shards: SHARDS, part: { index: i, count: 2 }, workers: 1 });
  return { root, splits, dirs };
}

function rejectsWith(code: string, pattern: RegExp): (e: unknown) => boolean {
  return (e: unknown) => {
    assert.ok(e instanceof Ben19Error, String(e));
    assert.equal(e.code, code, e.describe());
    assert.match(e.describe(), pattern);
    return true;
  };
}

test("merge-manifests refuses a missing part, a duplicated part, mismatched options, a missing or changed shard", async () => {
  const { root, splits, dirs } = await twoParts();
  const [d0, d1] = dirs as [string, string];
  await assert.rejects(mergeManifests({ dirs: [d0] }), rejectsWith("E_PART_MISSING", /part\(s\) 1\/2 missing.*--part 1\/2/));
  const dup = tempDir();
  copyFileSync(join(d0, "manifest.part-0-of-2.json"), join(dup, "manifest.part-0-of-2.json"));
  await assert.rejects(mergeManifests({ dirs: [d0, d1, dup] }), rejectsWith("E_PART_DUPLICATE", /part 0\/2 is given twice/));
  await assert.rejects(mergeManifests({ dirs: [tempDir()] }), rejectsWith("E_NO_PARTS", /no part manifest/));

  const other = tempDir();
  await prep({ root, out: other, splits, shards: 2, part: { index: 1, count: 2 }, workers: 1 });
  await assert.rejects(mergeManifests({ dirs: [d0, other] }), rejectsWith("E_PART_MISMATCH", /options\.shards: 4 vs 2/));

  rmSync(join(d1, "val_03.tfrecord"));
  await assert.rejects(mergeManifests({ dirs: [d0, d1] }), rejectsWith("E_PART_FILE", /val_03\.tfrecord.*shard 3 of split val, written by part 1, is missing/));
  const f = join(d0, "train_02.tfrecord");
  const bytes = readFileSync(f);
  bytes[100] = (bytes[100] as number) ^ 1;
  writeFileSync(f, bytes);
  await assert.rejects(mergeManifests({ dirs: [d0, d1] }), rejectsWith("E_PART_FILE", /train_02\.tfrecord.*sha256 differs/));
  assert.equal(existsSync(join(d0, "manifest.json")), false, "nothing written on failure");
});

test("--part validation: 0-based index, K divides --shards, no --on-error skip, i/K syntax", async () => {
  assert.deepEqual(parsePart("3/4"), { index: 3, count: 4 });
  assert.throws(() => parsePart("4/4"), (e: unknown) => e instanceof OptionError && /0-based.*0 to 3.*--array=0-3/.test(e.message));
  assert.throws(() => parsePart("1-4"), (e: unknown) => e instanceof OptionError && /"i\/K"/.test(e.message));
  const { root, splits } = await setup();
  await assert.rejects(prep({ root, out: tempDir(), splits, shards: 4, part: { index: 0, count: 3 } }), (e: unknown) => e instanceof OptionError && /K must divide --shards \(4\)/.test(e.message));
  await assert.rejects(prep({ root, out: tempDir(), splits, shards: 4, part: { index: 0, count: 2 }, onError: "skip" }), (e: unknown) => e instanceof OptionError && /--exclude-list/.test(e.message));
  const io = memoryIo();
  assert.equal(await run(["prep", "-r", root, "-o", tempDir(), "-n", ...splits, "--part", "1/2", "--quiet"], io), 2);
  assert.match(io.stderr, /--part.*K must divide --shards \(1\).*--shards 2/);
});
