// --resume: the CLI is run as a child process and SIGKILLed at seeded random moments (checkpoints after every batch,
// so kills land between many different durable states), then resumed until it finishes; the folder must then hold
// exactly the files of an uninterrupted run, byte for byte.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { gzipSync } from "node:zlib";
import { journalName } from "../../src/prep/naming.js";
import { rng } from "../../src/synth/random.js";
import type { Journal } from "../../src/prep/journal.js";
import type { PrepOptions } from "../../src/prep/options.js";
import { prep } from "../../src/prep/run.js";
import { PROJECT_ROOT } from "../helpers/env.js";
import { synthFixture, tempDir } from "../helpers/fixtures.js";
import { patchEntries, writeTar } from "../helpers/tar.js";

const CHILD = join(PROJECT_ROOT, "test", "helpers", "cli-child.ts");

interface ChildResult {
  code: number | null;
  killed: boolean;
  stderr: string;
}

/** Patches done according to the journal `file` (-1: no journal). */
function journalDone(file: string): number {
  try {
    return (JSON.parse(readFileSync(file, "utf8")) as Journal).splits.reduce((a, s) => a + s.done, 0);
  } catch {
    return -1;
  }
}

/**
 * Runs the CLI with `args`. With `kill`, SIGKILLs it `afterMs` after its journal `journal` first showed at least
 * `done` patches done: progress, not time, picks the moment, so the kills land mid-run however fast the machine is.
 */
function cli(args: readonly string[], kill?: { journal: string; done: number; afterMs: number }): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", CHILD, ...args], { cwd: PROJECT_ROOT, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    let timer: NodeJS.Timeout | undefined;
    const poll = kill === undefined ? undefined : setInterval(() => {
      if (journalDone(kill.journal) < kill.done) return;
      clearInterval(poll);
      timer = setTimeout(() => child.kill("SIGKILL"), kill.afterMs);
    }, 2);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearInterval(poll);
      clearTimeout(timer);
      resolve({ code, killed: signal === "SIGKILL", stderr });
    });
  });
}

/** Every file of a folder, name → bytes. */
function snapshot(dir: string): Map<string, Buffer> {
  return new Map(readdirSync(dir).sort().map((f) => [f, readFileSync(join(dir, f))]));
}

function assertSameFolder(got: string, want: string): void {
  const a = snapshot(got);
  const b = snapshot(want);
  assert.deepEqual([...a.keys()], [...b.keys()], "the same files (no journal, no .tmp left)");
  for (const [f, bytes] of b) assert.ok((a.get(f) as Buffer).equals(bytes), `${f} differs from the uninterrupted run`);
}

/** CLI arguments for PrepOptions (the subset these tests use). */
function args(o: PrepOptions): string[] {
  return ["prep", "-r", o.root, "-o", o.out, "-n", ...(o.splits ?? []), "--shards", String(o.shards ?? 1), "--workers", "2", "--on-error", o.onError ?? "fail", "--quiet", "--journal-interval", "0"];
}

/**
 * Kills the CLI `kills` times, each at a random point of the remaining work (plus up to 30 ms, to land anywhere
 * between checkpoints), resuming after each, then lets it finish; returns the progress (patches done, from the
 * journal) seen after each kill, to show that the kills hit different states.
 */
async function killAndResume(o: PrepOptions, seed: number, kills: number): Promise<number[]> {
  const rnd = rng(seed); // seeded, so that a failing kill schedule can be replayed
  const total = (o.splits ?? []).reduce((a, f) => a + readFileSync(f, "utf8").split("\r\n").filter((n) => n !== "").length, 0);
  const jf = join(o.out, journalName());
  const seen: number[] = [];
  for (let k = 0; k <= kills; k++) {
    const prev = Math.max(0, journalDone(jf));
    const kill = k < kills ? { journal: jf, done: prev + Math.floor(rnd() * (total - prev)), afterMs: rnd() * 30 } : undefined;
    const r = await cli([...args(o), ...(k > 0 ? ["--resume"] : [])], kill);
    if (!r.killed) {
      assert.equal(r.code, 0, r.stderr);
      break;
    }
    seen.push(journalDone(jf));
  }
  return seen;
}

async function reference(o: PrepOptions): Promise<string> {
  const out = tempDir();
  await prep({ ...o, out, workers: 1 });
  return out;
}

test("SIGKILL at random moments, then --resume: byte-identical to an uninterrupted run (folder input, 3 shards)", async (t) => {
  const s = await synthFixture(300, 5);
  const o: PrepOptions = { root: s.out, out: tempDir(), splits: [s.splits.train, s.splits.val, s.splits.test], shards: 3 };
  const want = await reference(o);
  const states = new Set<number>();
  for (const seed of [1, 2]) {
    const out = tempDir();
    for (const d of await killAndResume({ ...o, out }, seed, 4)) states.add(d);
    assertSameFolder(out, want);
  }
  t.diagnostic(`patches done (journal) after each kill: ${[...states].join(", ")}`);
  assert.ok([...states].filter((d) => d > 0).length >= 2, `kills landed in too few distinct states: ${[...states].join(", ")}`);
});

test("the leftover of a killed run: an error without --resume, refused with other options, --overwrite starts over", async () => {
  const s = await synthFixture(300, 5);
  const o: PrepOptions = { root: s.out, out: tempDir(), splits: [s.splits.train], shards: 2 };
  const want = await reference(o);
  // Kill once the journal shows progress.
  const r = await cli(args(o), { journal: join(o.out, journalName()), done: 40, afterMs: 0 });
  assert.ok(r.killed && existsSync(join(o.out, journalName())), "killed mid-run");
  const plain = await cli(args(o));
  assert.equal(plain.code, 1);
  assert.match(plain.stderr, /unfinished run.*--resume.*--overwrite/s);
  const other = await cli([...args({ ...o, shards: 4 }), "--resume"]);
  assert.equal(other.code, 1);
  assert.match(other.stderr, /cannot resume.*shards: the unfinished run had 2, this one has 4/s);
  const csv = join(tempDir(), "train.csv");
  writeFileSync(csv, readFileSync(s.splits.train, "utf8").split("\r\n").slice(1).join("\r\n"));
  const otherCsv = await cli([...args({ ...o, splits: [csv] }), "--resume"]);
  assert.equal(otherCsv.code, 1);
  assert.match(otherCsv.stderr, /cannot resume.*splits/s);
  const over = await cli([...args(o), "--overwrite"]);
  assert.equal(over.code, 0, over.stderr);
  assertSameFolder(o.out, want);
  // A finished run: --resume has nothing to do (a retried job succeeds); other options must not overwrite it.
  const again = await cli([...args(o), "--resume"]);
  assert.equal(again.code, 0, again.stderr);
  assertSameFolder(o.out, want);
  const again2 = await cli([...args({ ...o, shards: 4 }), "--resume"]);
  // A folder that already holds a finished run is a usage error (exit 2, src/cli/exit.ts): the fix is a flag.
  assert.equal(again2.code, 2);
  assert.match(again2.stderr, /finished run.*--overwrite/s);
});

test("--on-error skip: killed and resumed, the same records, errors.json and manifest (skipped list journalled)", async () => {
  const s = await synthFixture(300, 5);
  const root = join(tempDir(), "archive");
  cpSync(s.out, root, { recursive: true });
  const names = readFileSync(s.splits.train, "utf8").split("\r\n").filter((n) => n !== "");
  for (const i of [7, 60, 130]) rmSync(join(root, names[i] as string, `${names[i]}_B04.tif`));
  const o: PrepOptions = { root, out: tempDir(), splits: [s.splits.train, s.splits.test], shards: 2, onError: "skip" };
  const want = await reference(o);
  assert.equal((JSON.parse(readFileSync(join(want, "errors.json"), "utf8")) as unknown[]).length, 3);
  const out = tempDir();
  await killAndResume({ ...o, out }, 3, 4);
  assertSameFolder(out, want);
});

test(".tar.gz and .tar input: killed and resumed, byte-identical to an uninterrupted run over the same tarball", async () => {
  const s = await synthFixture(300, 5);
  const tar = writeTar(patchEntries(s.out, [...s.patches].reverse()));
  for (const [ext, bytes] of [["tar.gz", gzipSync(tar)], ["tar", tar]] as const) {
    const file = join(tempDir(), `archive.${ext}`);
    writeFileSync(file, bytes);
    const o: PrepOptions = { root: file, out: tempDir(), splits: [s.splits.train, s.splits.val], shards: 2 };
    const want = await reference(o);
    const out = tempDir();
    await killAndResume({ ...o, out }, ext === "tar" ? 4 : 5, 3);
    assertSameFolder(out, want);
  }
});

test("a DEFLATE archive (decoded in the pool's workers): killed twice and resumed, the default layout's bytes", async () => {
  const deflate = await synthFixture(120, 9, "deflate");
  const plain = await synthFixture(120, 9, "default");
  const splits = [deflate.splits.train, deflate.splits.val];
  const want = await reference({ root: plain.out, out: "", splits, shards: 2 });
  const out = tempDir();
  await killAndResume({ root: deflate.out, out, splits, shards: 2 }, 6, 2);
  // The same files and bytes; the manifest differs only in the archive root it names.
  const manifest = (dir: string, root: string): string => readFileSync(join(dir, "manifest.json"), "utf8").replaceAll(JSON.stringify(root), '"ROOT"');
  assert.equal(manifest(out, deflate.out), manifest(want, plain.out));
  rmSync(join(out, "manifest.json"));
  rmSync(join(want, "manifest.json"));
  assertSameFolder(out, want);
});
