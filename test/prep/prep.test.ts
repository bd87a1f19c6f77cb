import assert from "node:assert/strict";
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { readPatch } from "../../src/archive/patch.js";
import { run } from "../../src/cli/index.js";
import { memoryIo } from "../../src/cli/io.js";
import { Ben19Error, PatchError } from "../../src/core/errors.js";
import { multiHot19, names19 } from "../../src/labels/convert.js";
import type { PrepManifest } from "../../src/prep/manifest.js";
import { prep } from "../../src/prep/run.js";
import { UPDATE_JSON_KEY } from "../../src/prep/update-json.js";
import { readRecords } from "../../src/tfrecord/reader.js";
import { verify } from "../../src/verify/verify.js";
import { createCore } from "../../src/wasm/core.js";
import { needShared, SHARED_DIR } from "../helpers/env.js";
import { synthFixture, tempDir } from "../helpers/fixtures.js";

const splitsOf = (s: { splits: { train: string; val: string; test: string } }): string[] => [s.splits.train, s.splits.val, s.splits.test];

test("prep reproduces the reference bytes of the 6 real patches (golden file)", async (t) => {
  if (!needShared(t)) return;
  const out = tempDir();
  const csv = join(SHARED_DIR, "golden", "real-v1.csv");
  await prep({ root: join(SHARED_DIR, "real-v1"), out, splits: [csv], workers: 2 });
  assert.deepEqual(readFileSync(join(out, "real-v1.tfrecord")), readFileSync(join(SHARED_DIR, "golden", "real-v1.tfrecord")));
});

test("records equal an independent assembly: readPatch + encodeRecord in CSV order; identical for 1, 2 and 4 workers", async () => {
  const s = await synthFixture(60);
  const outs = [1, 2, 4].map(() => tempDir());
  for (const [i, workers] of [1, 2, 4].entries()) await prep({ root: s.out, out: outs[i] as string, splits: splitsOf(s), workers });
  const core = await createCore();
  for (const split of ["train", "val", "test"] as const) {
    const names = readFileSync(s.splits[split], "utf8").split("\r\n").filter((n) => n !== "");
    const expected = Buffer.concat(
      await Promise.all(names.map(async (n) => {
        const p = await readPatch(s.out, n);
        return core.encodeRecord({ patchName: n, bands: p.bands, multiHot: multiHot19(p.labels43 ?? []) });
      })),
    );
    for (const out of outs) assert.deepEqual(readFileSync(join(out, `${split}.tfrecord`)), expected, `${split} in ${out}`);
  }
  assert.equal(readFileSync(join(outs[0] as string, "manifest.json"), "utf8"), readFileSync(join(outs[2] as string, "manifest.json"), "utf8"));
});

test("--shards K: record i goes to <split>_NN.tfrecord with NN = i mod K; verify -r accepts it", async () => {
  const s = await synthFixture(60);
  const single = tempDir();
  const sharded = tempDir();
  await prep({ root: s.out, out: single, splits: [s.splits.train] });
  await prep({ root: s.out, out: sharded, splits: [s.splits.train], shards: 3 });
  const all: string[] = [];
  for await (const r of readRecords(join(single, "train.tfrecord"))) all.push(Buffer.from(r.data).toString("base64"));
  for (let k = 0; k < 3; k++) {
    const got: string[] = [];
    for await (const r of readRecords(join(sharded, `train_0${k}.tfrecord`))) got.push(Buffer.from(r.data).toString("base64"));
    assert.deepEqual(got, all.filter((_, i) => i % 3 === k));
  }
  const report = await verify({ out: sharded, root: s.out });
  assert.deepEqual(report.problems, []);
  assert.equal(report.records, all.length);
});

test("a patch with an empty 19-class label set is written with empty labels and an all-zero multi-hot", async () => {
  const s = await synthFixture(60);
  const p = s.patches.find((n) => !readFileSync(s.splits.train, "utf8").includes(n) && !readFileSync(s.splits.val, "utf8").includes(n) && !readFileSync(s.splits.test, "utf8").includes(n) && multiHot19((readPatchSyncLabels(s.out, n))).every((v) => v === 0));
  assert.ok(p !== undefined, "the fixture has a no-19-label patch");
  const out = tempDir();
  const csv = join(out, "nolabel.csv");
  writeFileSync(csv, `${p}\r\n`);
  const r = await prep({ root: s.out, out, splits: [csv] });
  assert.equal(r.manifest.splits.nolabel?.no_label_records, 1);
  const core = await createCore();
  for await (const rec of readRecords(join(out, "nolabel.tfrecord"))) {
    const d = core.decodePatch(rec.data);
    assert.deepEqual(d.labels, []);
    assert.deepEqual([...d.multiHot], new Array(19).fill(0));
  }
});

function readPatchSyncLabels(root: string, name: string): number[] {
  const meta = JSON.parse(readFileSync(join(root, name, `${name}_labels_metadata.json`), "utf8")) as { labels: string[] };
  return meta.labels.map((l) => ["Road and rail networks and associated land", "Port areas", "Airports", "Mineral extraction sites", "Dump sites", "Construction sites", "Green urban areas", "Sport and leisure facilities", "Bare rock", "Burnt areas", "Intertidal flats"].includes(l) ? 3 : 0);
}

/** A copy of a synth archive with one patch broken by `breakIt`, and a CSV of its first 12 train patches. */
async function brokenArchive(breakIt: (dir: string, name: string) => void): Promise<{ root: string; csv: string; bad: string; names: string[]; src: string }> {
  const s = await synthFixture(60);
  const root = join(tempDir(), "archive");
  cpSync(s.out, root, { recursive: true });
  const names = readFileSync(s.splits.train, "utf8").split("\r\n").filter((n) => n !== "").slice(0, 12);
  const bad = names[5] as string;
  breakIt(join(root, bad), bad);
  const csv = join(root, "splits", "train.csv");
  writeFileSync(csv, names.map((n) => `${n}\r\n`).join(""));
  return { root, csv, bad, names, src: s.out };
}

const BREAKS: [string, string, (dir: string, name: string) => void][] = [
  ["missing folder", "E_MISSING_FOLDER", (dir) => rmSync(dir, { recursive: true })],
  ["missing band file", "E_MISSING_BAND", (dir, n) => rmSync(join(dir, `${n}_B8A.tif`))],
  ["missing JSON", "E_MISSING_JSON", (dir, n) => rmSync(join(dir, `${n}_labels_metadata.json`))],
  ["zero-byte band", "E_EMPTY_FILE", (dir, n) => writeFileSync(join(dir, `${n}_B04.tif`), "")],
  ["truncated band", "E_TRUNCATED", (dir, n) => writeFileSync(join(dir, `${n}_B04.tif`), readFileSync(join(dir, `${n}_B04.tif`)).subarray(0, 20000))],
  ["not a TIFF", "E_NOT_TIFF", (dir, n) => writeFileSync(join(dir, `${n}_B04.tif`), "hello, I am text")],
  ["malformed JSON", "E_BAD_JSON", (dir, n) => writeFileSync(join(dir, `${n}_labels_metadata.json`), '{"labels": [')],
  ["unknown label", "E_UNKNOWN_LABEL", (dir, n) => writeFileSync(join(dir, `${n}_labels_metadata.json`), '{"labels": ["Lava fields"]}')],
  ["no labels key", "E_NO_LABELS", (dir, n) => writeFileSync(join(dir, `${n}_labels_metadata.json`), '{"coordinates": {}}')],
];

/** Breaks found by the pre-check (files missing), before any work; the others only when the patch is read. */
const MISSING = new Set(["E_MISSING_FOLDER", "E_MISSING_BAND", "E_MISSING_JSON"]);

for (const [what, code, breakIt] of BREAKS) {
  // Changed behaviour (issue #16): a failing run used to remove everything it wrote; on the real archive a bad
  // patch at hour 3 then cost 3 hours. Missing files are now found before any work (nothing written), and a bad
  // patch found while reading keeps the work before it, which --resume continues once the patch is fixed.
  test(`--on-error fail, ${what}: ${MISSING.has(code) ? "E_MISSING_PATCHES before any work, nothing written" : `${code} naming the patch; the work before it is kept and --resume finishes after the fix`}`, async () => {
    const b = await brokenArchive(breakIt);
    const out = tempDir();
    const want = MISSING.has(code) ? "E_MISSING_PATCHES" : code;
    await assert.rejects(prep({ root: b.root, out, splits: [b.csv], workers: 2, journalSeconds: 0 }), (e: unknown) => {
      assert.ok(e instanceof Ben19Error, String(e));
      assert.equal(e.code, want);
      assert.match(e.describe(), new RegExp(b.bad));
      if (!MISSING.has(code)) {
        assert.ok(e instanceof PatchError);
        assert.equal(e.place.patch, b.bad);
        assert.match(e.describe(), /the 5 patches before it are kept.*--resume/s);
      } else assert.match(e.describe(), /--on-error skip.*--exclude-list/s);
      return true;
    });
    if (MISSING.has(code)) {
      assert.deepEqual(readdirSync(out), []);
      return;
    }
    assert.deepEqual(readdirSync(out).sort(), [".ben19-prep.journal.json", "train.tfrecord.tmp"]);
    rmSync(join(b.root, b.bad), { recursive: true });
    cpSync(join(b.src, b.bad), join(b.root, b.bad), { recursive: true });
    const resumed = await prep({ root: b.root, out, splits: [b.csv], workers: 2, resume: true });
    const fresh = tempDir();
    await prep({ root: b.root, out: fresh, splits: [b.csv], workers: 1 });
    assert.equal(resumed.manifest.splits.train?.records, 12);
    assert.ok(readFileSync(join(out, "train.tfrecord")).equals(readFileSync(join(fresh, "train.tfrecord"))));
    assert.equal(readFileSync(join(out, "manifest.json"), "utf8"), readFileSync(join(fresh, "manifest.json"), "utf8"));
  });

  test(`--on-error skip, ${what}: every good patch written, the bad one listed in errors.json and the manifest`, async () => {
    const b = await brokenArchive(breakIt);
    const out = tempDir();
    const r = await prep({ root: b.root, out, splits: [b.csv], onError: "skip" });
    assert.equal(r.manifest.splits.train?.records, 11);
    assert.deepEqual(r.manifest.skipped.map((x) => [x.patch, x.code]), [[b.bad, code]]);
    const errors = JSON.parse(readFileSync(join(out, "errors.json"), "utf8")) as { patch: string }[];
    assert.deepEqual(errors.map((x) => x.patch), [b.bad]);
    const report = await verify({ out, root: b.root, splits: [b.csv] });
    assert.deepEqual(report.problems, []);
  });
}

test("the CLI: exit 1 with the patch named under fail; exit 0 with a warning under skip", async () => {
  const b = await brokenArchive((dir, n) => rmSync(join(dir, `${n}_B8A.tif`)));
  const io = memoryIo();
  assert.equal(await run(["prep", "-r", b.root, "-o", tempDir(), "-n", b.csv, "--quiet"], io), 1);
  assert.match(io.stderr, new RegExp(`${b.bad}: missing ${b.bad}_B8A\\.tif.*--on-error skip`));
  const io2 = memoryIo();
  assert.equal(await run(["prep", "-r", b.root, "-o", tempDir(), "-n", b.csv, "--on-error", "skip", "--json"], io2), 0);
  assert.match(io2.stderr, /1 patch\(es\) skipped/);
  assert.equal((JSON.parse(io2.stdout) as { splits: { train: { records: number } } }).splits.train.records, 11);
});

test("an existing finished output is not overwritten without --overwrite", async () => {
  const s = await synthFixture(60);
  const out = tempDir();
  await prep({ root: s.out, out, splits: [s.splits.val] });
  await assert.rejects(prep({ root: s.out, out, splits: [s.splits.val] }), (e: unknown) => e instanceof PatchError === false && /finished run.*--overwrite/s.test((e as { describe(): string }).describe()));
  await prep({ root: s.out, out, splits: [s.splits.val], overwrite: true });
});

test("--update_json adds BigEarthNet_19_labels in Python's format, keeps the other keys, and is idempotent", async () => {
  const b = await brokenArchive(() => undefined);
  const out = tempDir();
  const name = b.names[0] as string;
  const file = join(b.root, name, `${name}_labels_metadata.json`);
  const before = readFileSync(file, "utf8");
  await prep({ root: b.root, out, splits: [b.csv], updateJson: true });
  const after1 = readFileSync(file, "utf8");
  const meta = JSON.parse(after1) as Record<string, unknown> & { labels: string[] };
  const p = await readPatch(b.root, name);
  assert.deepEqual(meta[UPDATE_JSON_KEY], names19(multiHot19(p.labels43 ?? [])));
  assert.equal(after1.slice(0, before.length - 1), before.slice(0, -1), "the original text is kept as a prefix");
  assert.match(after1, /, "BigEarthNet_19_labels": \[/);
  await prep({ root: b.root, out: tempDir(), splits: [b.csv], updateJson: true });
  assert.equal(readFileSync(file, "utf8"), after1);
});

test("verify finds a changed byte, a missing file and a manifest that lies", async () => {
  const s = await synthFixture(60);
  const out = tempDir();
  await prep({ root: s.out, out, splits: [s.splits.val, s.splits.test] });
  const f = join(out, "val.tfrecord");
  const bytes = readFileSync(f);
  bytes[5000] = (bytes[5000] as number) ^ 0xff;
  writeFileSync(f, bytes);
  rmSync(join(out, "test.tfrecord"));
  const m = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")) as PrepManifest;
  const report = await verify({ out });
  assert.equal(report.ok, false);
  const text = report.problems.map((p) => `${p.file ?? ""} ${p.message}`).join("\n");
  assert.match(text, /val\.tfrecord.*CRC/);
  assert.match(text, /val\.tfrecord sha256 differs/);
  assert.match(text, /test\.tfrecord listed in the manifest but missing/);
  assert.ok(m.splits.val !== undefined && existsSync(join(out, "manifest.json")));
  const io = memoryIo();
  assert.equal(await run(["verify", out], io), 1);
  assert.match(io.stdout, /FAILED/);
});
