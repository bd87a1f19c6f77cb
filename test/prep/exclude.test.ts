import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { gunzipSync } from "node:zlib";
import { BUNDLED_LISTS, BUNDLED_SPLITS } from "../../src/archive/splits.js";
import { run } from "../../src/cli/index.js";
import { memoryIo } from "../../src/cli/io.js";
import { OptionError } from "../../src/core/errors.js";
import { applyExclusions, readExclusions } from "../../src/prep/exclude.js";
import type { PrepManifest } from "../../src/prep/manifest.js";
import { mergeManifests } from "../../src/prep/merge.js";
import { prep } from "../../src/prep/run.js";
import { verify } from "../../src/verify/verify.js";
import { synthFixture, tempDir } from "../helpers/fixtures.js";

/** Patch names of a CSV or CSV.gz, read here independently of src/archive/splits.ts. */
function names(file: string): string[] {
  const raw = readFileSync(file);
  return (file.endsWith(".gz") ? gunzipSync(raw) : raw).toString("utf8").split(/\r?\n/).filter((n) => n !== "");
}

const csv = (list: readonly string[]): string => list.map((n) => `${n}\r\n`).join("");

/** An "all" split of every synth patch (snow, cloud and no-19 ones included), the train split, and a user list. */
async function setup(): Promise<{ root: string; all: string; train: string; snow: string; cloud: string; mine: string; dir: string }> {
  const s = await synthFixture(60);
  const dir = tempDir();
  const all = join(dir, "all.csv");
  writeFileSync(all, csv(s.patches));
  const mine = join(dir, "mine.csv");
  // Some train patches and some snow patches, so that a patch can be in two lists.
  writeFileSync(mine, csv([...names(s.splits.train).filter((_, i) => i % 5 === 1), ...names(s.lists.snow).slice(0, 2)]));
  return { root: s.out, all, train: s.splits.train, snow: s.lists.snow, cloud: s.lists.cloud, mine, dir };
}

test("--exclude-list: counts per split and per list equal the lists' intersections; records equal a run on pre-filtered CSVs", async () => {
  const f = await setup();
  const lists = { patches_with_seasonal_snow: f.snow, patches_with_cloud_and_shadow: f.cloud, mine: f.mine };
  const out = tempDir();
  const r = await prep({ root: f.root, out, splits: [f.all, f.train], excludeLists: Object.values(lists), workers: 2 });
  const m = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")) as PrepManifest;
  assert.deepEqual(m, r.manifest);
  assert.deepEqual(m.options.exclude?.map((x) => [x.list, x.file, x.patches, x.sha256]), Object.entries(lists).map(([k, file]) => [k, file, names(file).length, createHash("sha256").update(readFileSync(file)).digest("hex")]));
  const filteredDir = tempDir();
  const filtered: string[] = [];
  for (const [split, file] of [["all", f.all], ["train", f.train]] as const) {
    const patches = names(file);
    const sets = Object.fromEntries(Object.entries(lists).map(([k, l]) => [k, new Set(names(l))]));
    const byList = Object.fromEntries(Object.entries(sets).map(([k, set]) => [k, patches.filter((p) => set.has(p)).length]));
    const kept = patches.filter((p) => Object.values(sets).every((set) => !set.has(p)));
    const sm = m.splits[split];
    assert.ok(sm !== undefined);
    assert.equal(sm.patches, patches.length);
    assert.deepEqual(sm.excluded_by_list, byList);
    assert.equal(sm.excluded, patches.length - kept.length);
    assert.equal(sm.records, kept.length);
    assert.ok(sm.excluded > 0, `the fixture excludes something from ${split}`);
    const g = join(filteredDir, `${split}.csv`);
    writeFileSync(g, csv(kept));
    filtered.push(g);
  }
  assert.ok((m.splits.all?.excluded_by_list?.patches_with_seasonal_snow ?? 0) > 0 && (m.splits.all?.excluded_by_list?.mine ?? 0) > 0);
  const ref = tempDir();
  await prep({ root: f.root, out: ref, splits: filtered });
  for (const split of ["all", "train"]) assert.deepEqual(readFileSync(join(out, `${split}.tfrecord`)), readFileSync(join(ref, `${split}.tfrecord`)), split);
  const report = await verify({ out, root: f.root });
  assert.deepEqual(report.problems, []);
});

test("--exclude snow,cloud,no19 through the CLI: counts equal the bundled lists' intersections, listed in the manifest", async () => {
  const f = await setup();
  const bundledSnow = names(BUNDLED_LISTS.snow).slice(0, 3);
  const split = join(f.dir, "mixed.csv");
  // The synth names are not real patch names; add a few real snow patches so that the bundled list bites.
  writeFileSync(split, csv([...names(f.train).slice(0, 6), ...bundledSnow]));
  const out = tempDir();
  const io = memoryIo();
  assert.equal(await run(["prep", "-r", f.root, "-o", out, "-n", split, "--exclude", "snow,cloud", "--exclude", "no19", "--json"], io), 0, io.stderr);
  const m = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")) as PrepManifest;
  const patches = names(split);
  const expected = Object.fromEntries((["snow", "cloud", "no19"] as const).map((k) => {
    const set = new Set(names(BUNDLED_LISTS[k]));
    return [k, patches.filter((p) => set.has(p)).length];
  }));
  assert.deepEqual(expected, { snow: 3, cloud: 0, no19: 0 });
  assert.deepEqual(m.splits.mixed?.excluded_by_list, expected);
  assert.equal(m.splits.mixed?.records, 6);
  assert.deepEqual(m.options.exclude?.map((x) => x.list), ["snow", "cloud", "no19"]);
  assert.equal((JSON.parse(io.stdout) as { splits: { mixed: { excluded: number } } }).splits.mixed.excluded, 3);
});

test("the official splits already exclude every patch of the bundled lists (what --help says)", async () => {
  const lists = await readExclusions(["snow", "cloud", "no19"], []);
  assert.deepEqual(lists.map((l) => l.patches), [61707, 9280, 57]);
  for (const file of Object.values(BUNDLED_SPLITS)) {
    const x = applyExclusions(names(file), lists);
    assert.equal(x.excluded, 0, file);
    assert.deepEqual(x.byList, { snow: 0, cloud: 0, no19: 0 });
  }
});

test("an unknown list name or a list name given twice is an option error", async () => {
  const f = await setup();
  const io = memoryIo();
  assert.equal(await run(["prep", "-r", f.root, "-o", tempDir(), "-n", f.train, "--exclude", "snow,clouds"], io), 2);
  assert.match(io.stderr, /--exclude: got "clouds", expected a comma-separated list of snow, cloud, no19/);
  await assert.rejects(prep({ root: f.root, out: tempDir(), splits: [f.train], excludeLists: [f.mine, f.mine] }), (e: unknown) => e instanceof OptionError && /"mine".*given twice/.test(e.message));
  await assert.rejects(prep({ root: f.root, out: tempDir(), splits: [f.train], excludeLists: [join(f.dir, "nope.csv")] }), (e: unknown) => e instanceof OptionError && /--exclude-list.*does not exist/.test(e.message));
});

test("exclusion with --part: the parts drop the same patches and merge to the single excluded run", async () => {
  const f = await setup();
  const single = tempDir();
  await prep({ root: f.root, out: single, splits: [f.all], shards: 2, excludeLists: [f.snow, f.mine] });
  const shared = tempDir();
  for (const i of [0, 1]) await prep({ root: f.root, out: shared, splits: [f.all], shards: 2, excludeLists: [f.snow, f.mine], part: { index: i, count: 2 }, workers: 1 });
  await mergeManifests({ dirs: [shared] });
  for (const name of ["all_00.tfrecord", "all_01.tfrecord", "manifest.json"]) assert.deepEqual(readFileSync(join(shared, name)), readFileSync(join(single, name)), name);
});
