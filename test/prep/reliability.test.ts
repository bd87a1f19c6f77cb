// Nothing stale, nothing trusted blindly (issue #15), no dead ends (#16): each reproduction of the trial, from the CLI.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import type { Journal } from "../../src/prep/journal.js";
import { journalName } from "../../src/prep/naming.js";
import { PROJECT_ROOT } from "../helpers/env.js";
import { synthFixture, tempDir } from "../helpers/fixtures.js";
import { cli } from "../helpers/cli.js";

const CHILD = join(PROJECT_ROOT, "test", "helpers", "cli-child.ts");

const csvNames = (file: string): string[] => readFileSync(file, "utf8").split("\r\n").filter((n) => n !== "");

/** A copy of the 60-patch synth archive, so that tests may break it. */
async function archiveCopy(): Promise<{ root: string; src: string; train: string; val: string; names: string[] }> {
  const s = await synthFixture(60);
  const root = join(tempDir(), "archive");
  cpSync(s.out, root, { recursive: true });
  return { root, src: s.out, train: s.splits.train, val: s.splits.val, names: csvNames(s.splits.train) };
}

test("--overwrite removes every shard an earlier run wrote; verify reports .tfrecord files the manifest does not list", async () => {
  const s = await synthFixture(60);
  const out = tempDir();
  const base = ["prep", "-r", s.out, "-o", out, "-n", s.splits.train, s.splits.val, "--quiet"];
  assert.equal((await cli([...base, "--shards", "3"])).code, 0);
  assert.equal((await cli([...base, "--shards", "2", "--overwrite"])).code, 0);
  assert.deepEqual(readdirSync(out).filter((f) => f.endsWith(".tfrecord")).sort(), ["train_00.tfrecord", "train_01.tfrecord", "val_00.tfrecord", "val_01.tfrecord"]);
  assert.equal((await cli([...base, "--overwrite"])).code, 0);
  assert.deepEqual(readdirSync(out).filter((f) => f.endsWith(".tfrecord")).sort(), ["train.tfrecord", "val.tfrecord"]);
  assert.equal((await cli(["verify", out])).code, 0);
  writeFileSync(join(out, "train_02.tfrecord"), readFileSync(join(out, "train.tfrecord")));
  const v = await cli(["verify", out]);
  assert.equal(v.code, 1);
  assert.match(v.stdout, /train_02\.tfrecord: a \.tfrecord file the manifest does not list/);
});

test("a failure while finishing (manifest write) leaves a folder --resume completes to the uninterrupted bytes", async () => {
  const s = await synthFixture(60);
  const ref = tempDir();
  const base = (out: string): string[] => ["prep", "-r", s.out, "-o", out, "-n", s.splits.train, "--shards", "2", "--quiet"];
  assert.equal((await cli(base(ref))).code, 0);
  const out = tempDir();
  // Fault injection: the manifest's temporary name is taken by a folder, so its write fails after the shards got
  // their final names (the trial's disk-full case).
  mkdirSync(join(out, "manifest.json.tmp"));
  const r = await cli(base(out));
  assert.equal(r.code, 1);
  assert.doesNotMatch(r.stderr, /internal error|\n\s+at /);
  assert.match(r.stderr, /manifest\.json\.tmp.*kept.*--resume/s);
  assert.ok(existsSync(join(out, journalName())), "the journal stays");
  const plain = await cli(base(out));
  assert.match(plain.stderr, /unfinished run.*--resume/s);
  rmSync(join(out, "manifest.json.tmp"), { recursive: true });
  const resumed = await cli([...base(out), "--resume"]);
  assert.equal(resumed.code, 0, resumed.stderr);
  for (const f of readdirSync(ref)) assert.ok(readFileSync(join(out, f)).equals(readFileSync(join(ref, f))), f);
  assert.deepEqual(readdirSync(out).sort(), readdirSync(ref).sort());
});

/** A run stopped by a bad patch (kept for --resume), its journal, and the archive to fix. */
async function stoppedRun(): Promise<{ out: string; root: string; src: string; args: string[]; journal: string; bad: string }> {
  const a = await archiveCopy();
  const bad = a.names[20] as string;
  writeFileSync(join(a.root, bad, `${bad}_B02.tif`), "not a tiff");
  const out = tempDir();
  const args = ["prep", "-r", a.root, "-o", out, "-n", a.train, "--shards", "2", "--workers", "1", "--quiet", "--journal-interval", "0"];
  const r = await cli(args);
  assert.equal(r.code, 1);
  cpSync(join(a.src, bad), join(a.root, bad), { recursive: true });
  return { out, root: a.root, src: a.src, args, journal: join(out, journalName()), bad };
}

test("resume checks before it trusts: a flipped byte, a journal cut mid-record, edited counts, a changed option", async () => {
  const st = await stoppedRun();
  const j = JSON.parse(readFileSync(st.journal, "utf8")) as Journal;
  const tmp = join(st.out, "train_00.tfrecord.tmp");
  const saved = { journal: readFileSync(st.journal), tmp: readFileSync(tmp) };
  const restore = (): void => {
    writeFileSync(st.journal, saved.journal);
    writeFileSync(tmp, saved.tmp);
  };
  const resume = (): Promise<{ code: number; stderr: string }> => cli([...st.args, "--resume"]);
  // A byte flipped inside the journalled prefix of a shard.
  const flipped = Buffer.from(saved.tmp);
  flipped[100] = (flipped[100] as number) ^ 0x40;
  writeFileSync(tmp, flipped);
  let r = await resume();
  assert.equal(r.code, 1);
  assert.match(r.stderr, /train_00\.tfrecord\.tmp.*CRC.*does not match.*--overwrite/s);
  restore();
  // The journal's byte count cut into a record (its record count kept).
  const cut: Journal = JSON.parse(saved.journal.toString()) as Journal;
  (cut.splits[0]?.shards[0] as { bytes: number }).bytes -= 7;
  writeFileSync(st.journal, JSON.stringify(cut));
  r = await resume();
  assert.match(r.stderr, /not at a record boundary/);
  restore();
  // `done` edited (records and skipped no longer add up), then edited consistently but against the shards.
  const done: Journal = JSON.parse(saved.journal.toString()) as Journal;
  (done.splits[0] as { done: number }).done -= 3;
  writeFileSync(st.journal, JSON.stringify(done));
  r = await resume();
  assert.match(r.stderr, /journal is inconsistent.*records \+ 0 skipped/s);
  const both: Journal = JSON.parse(saved.journal.toString()) as Journal;
  const sp = both.splits[0] as { done: number; records: number; shards: { records: number }[] };
  sp.done -= 1;
  sp.records -= 1;
  (sp.shards[0] as { records: number }).records -= 1;
  writeFileSync(st.journal, JSON.stringify({ ...both, fingerprint: j.fingerprint }));
  r = await resume();
  assert.match(r.stderr, /holds \d+ records in its journalled \d+ bytes, the journal says/);
  restore();
  // Another option: each differing field named with both values.
  r = await cli([...st.args.map((x) => (x === "2" ? "1" : x)), "--resume"]);
  assert.match(r.stderr, /cannot resume.*shards: the unfinished run had 2, this one has 1/s);
  // After all that, the untouched state resumes to the uninterrupted bytes.
  r = await resume();
  assert.equal(r.code, 0, r.stderr);
  const ref = tempDir();
  assert.equal((await cli(st.args.map((x) => (x === st.out ? ref : x)))).code, 0);
  for (const f of ["train_00.tfrecord", "train_01.tfrecord", "manifest.json"]) assert.ok(readFileSync(join(st.out, f)).equals(readFileSync(join(ref, f))), f);
});

test("a run stopped by a bad patch continues with --resume --on-error skip, or with the patch excluded", async () => {
  const a = await archiveCopy();
  const bad = a.names[20] as string;
  writeFileSync(join(a.root, bad, `${bad}_labels_metadata.json`), "{");
  const run1 = async (extra: string[]): Promise<{ out: string; r: { code: number; stderr: string } }> => {
    const out = tempDir();
    const args = ["prep", "-r", a.root, "-o", out, "-n", a.train, "--shards", "2", "--workers", "1", "--quiet", "--journal-interval", "0"];
    const first = await cli(args);
    assert.equal(first.code, 1);
    assert.match(first.stderr, new RegExp(`patch ${bad}.*the 20 patches before it are kept.*--resume.*--on-error skip`, "s"));
    return { out, r: await cli([...args, "--resume", ...extra]) };
  };
  const skip = await run1(["--on-error", "skip"]);
  assert.equal(skip.r.code, 0, skip.r.stderr);
  const ref = tempDir();
  assert.equal((await cli(["prep", "-r", a.root, "-o", ref, "-n", a.train, "--shards", "2", "--quiet", "--on-error", "skip"])).code, 0);
  for (const f of readdirSync(ref)) assert.ok(readFileSync(join(skip.out, f)).equals(readFileSync(join(ref, f))), f);
  const list = join(tempDir(), "bad.csv");
  writeFileSync(list, `${bad}\n`);
  const excluded = await run1(["--exclude-list", list]);
  assert.equal(excluded.r.code, 0, excluded.r.stderr);
  const ref2 = tempDir();
  assert.equal((await cli(["prep", "-r", a.root, "-o", ref2, "-n", a.train, "--shards", "2", "--quiet", "--exclude-list", list])).code, 0);
  for (const f of readdirSync(ref2)) assert.ok(readFileSync(join(excluded.out, f)).equals(readFileSync(join(ref2, f))), f);
  // Excluding a patch among those already done cannot continue: the records would differ from a fresh run.
  writeFileSync(list, `${a.names[3] as string}\n${bad}\n`);
  const moved = await run1(["--exclude-list", list]);
  assert.equal(moved.r.code, 1);
  assert.match(moved.r.stderr, /cannot resume.*exclude.*already done in split\(s\) train/s);
});

test("missing patches are all listed before any work (the fix named); --check lists them alone; no folder is left", async () => {
  const a = await archiveCopy();
  const gone = [a.names[3], a.names[25]] as string[];
  rmSync(join(a.root, gone[0] as string), { recursive: true });
  rmSync(join(a.root, gone[1] as string, `${gone[1]}_B11.tif`));
  const out = join(tempDir(), "new", "out");
  const r = await cli(["prep", "-r", a.root, "-o", out, "-n", a.train, "--quiet"]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, new RegExp(`2 patch\\(es\\).*${gone[0]}: the patch folder is missing.*${gone[1]}: missing ${gone[1]}_B11\\.tif.*--on-error skip.*--exclude-list`, "s"));
  assert.ok(!existsSync(join(out, "..")), "the folders prep created are removed again");
  const c = await cli(["prep", "-r", a.root, "-n", a.train, a.val, "--check"]);
  assert.equal(c.code, 1);
  assert.equal(c.stdout.trim().split("\n").length, 3, c.stdout);
  assert.match(c.stdout, /2 of \d+ patches are incomplete or missing/);
  const ok = await cli(["prep", "-r", a.src, "-n", a.train, "--check"]);
  assert.equal(ok.code, 0);
  assert.match(ok.stdout, /OK: all \d+ patches/);
});

test("patch names with a path in a CSV are refused before any work, each offending line listed", async () => {
  const s = await synthFixture(60);
  const csv = join(tempDir(), "train.csv");
  writeFileSync(csv, `${s.patches[0] as string}\n../../outside/X\n${s.patches[1] as string}\n/etc/x\nS2..B\n`);
  const out = join(tempDir(), "o");
  const r = await cli(["prep", "-r", s.out, "-o", out, "-n", csv, "--quiet"]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /3 line\(s\) do not hold a patch name.*line 2: "\.\.\/\.\.\/outside\/X".*line 4: "\/etc\/x".*line 5: "S2\.\.B"/s);
  assert.ok(!existsSync(out));
});

test("OS errors on the output are named errors with the path and the fix, exit 1, no stack trace", async (t) => {
  const s = await synthFixture(60);
  const file = join(tempDir(), "a-file");
  writeFileSync(file, "x");
  for (const out of [file, join(file, "under")]) {
    const r = await cli(["prep", "-r", s.out, "-o", out, "-n", s.splits.val, "--quiet"]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /is a file, not a folder.*pass -o a folder/);
  }
  // A full disk, from `ulimit -f` (file size limit: writes fail with EFBIG) in a child process, mid-run.
  const out = tempDir();
  const args = ["prep", "-r", s.out, "-o", out, "-n", s.splits.train, "--workers", "1", "--quiet", "--journal-interval", "0"];
  const quoted = [process.execPath, "--import", "tsx", CHILD, ...args].map((x) => `'${x}'`).join(" ");
  const r = spawnSync("bash", ["-c", `ulimit -f 512; exec ${quoted}`], { cwd: PROJECT_ROOT, encoding: "utf8" });
  if (r.status === 0) return t.skip("ulimit -f did not limit the write here");
  assert.equal(r.status, 1, r.stderr);
  assert.doesNotMatch(r.stderr, /internal error|\n\s+at /);
  assert.match(r.stderr, /train\.tfrecord\.tmp: write failed: file too large; the work up to the last checkpoint is kept.*ulimit -f.*--resume/s);
  const resumed = await cli([...args, "--resume"]);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.equal((await cli(["verify", out, "-r", s.out])).code, 0);
});
