// Chaos (issue #15): rounds of two `prep --resume` runs started at once on one folder (a duplicated pod, a
// re-queued array task), each SIGKILLed at a seeded random moment or left to finish. Whatever the interleaving, a
// run either works alone under the folder's lock or is refused (E_LOCKED), a killed run's lock is taken over, and
// the folder ends as `verify -r` OK with the bytes of an uninterrupted run. Uses the built CLI (fast start-up).
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { run } from "../../src/cli/index.js";
import { memoryIo } from "../../src/cli/io.js";
import type { Journal } from "../../src/prep/journal.js";
import { rng } from "../../src/synth/random.js";
import { PROJECT_ROOT } from "../helpers/env.js";
import { synthFixture, tempDir } from "../helpers/fixtures.js";

const BIN = join(PROJECT_ROOT, "bin", "ben19.js");

interface Exit {
  code: number | null;
  killed: boolean;
  stderr: string;
}

/** Patches done according to the journal `file` (-1: none). */
function journalDone(file: string): number {
  try {
    return (JSON.parse(readFileSync(file, "utf8")) as Journal).splits.reduce((a, x) => a + x.done, 0);
  } catch {
    return -1;
  }
}

/** Starts the CLI after `delayMs`; `kill` SIGKILLs every child of the round still running. */
function start(args: readonly string[], delayMs: number, round: Set<ChildProcess>): Promise<Exit> {
  return new Promise((resolve, reject) => {
    setTimeout(() => {
      const child = spawn(process.execPath, [BIN, ...args], { cwd: PROJECT_ROOT, stdio: ["ignore", "ignore", "pipe"] });
      round.add(child);
      let stderr = "";
      child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
      child.on("error", reject);
      child.on("close", (code, signal) => {
        round.delete(child);
        resolve({ code, killed: signal === "SIGKILL", stderr });
      });
    }, delayMs);
  });
}

test("chaos: concurrent --resume runs on one folder with random SIGKILLs end verified and byte-identical", async (t) => {
  const s = await synthFixture(60);
  const read = (f: string): string[] => readFileSync(f, "utf8").split("\r\n").filter((n) => n !== "");
  const names = [...read(s.splits.train), ...read(s.splits.val)];
  const csv = join(tempDir(), "train.csv");
  writeFileSync(csv, names.map((n) => `${n}\n`).join(""));
  const args = (out: string): string[] => ["prep", "-r", s.out, "-o", out, "-n", csv, "--shards", "2", "--workers", "1", "--quiet", "--journal-interval", "0", "--resume"];
  const ref = tempDir();
  assert.equal(await run(args(ref), memoryIo()), 0);
  const out = tempDir();
  // Seeded, so that a failing schedule replays (BEN19_CHAOS_SEED runs another one).
  const seed = Number(process.env.BEN19_CHAOS_SEED ?? 2026);
  const rnd = rng(seed);
  const outcomes: string[] = [];
  const total = names.length;
  const journal = join(out, ".ben19-prep.journal.json");
  for (let round = 0; round < 4; round++) {
    const last = round === 3;
    // Two runs started within 200 ms of each other; once the journal shows a seeded random amount of progress
    // (plus up to 30 ms, to land between checkpoints), every one still running is killed.
    const alive = new Set<ChildProcess>();
    const runs = [0, 1].map(() => start(args(out), rnd() * 200, alive));
    const prev = Math.max(0, journalDone(journal));
    const target = prev + Math.floor(rnd() * (total - prev));
    const extra = rnd() * 30;
    const poll = last ? undefined : setInterval(() => {
      if (journalDone(journal) < target) return;
      clearInterval(poll);
      setTimeout(() => {
        for (const c of alive) c.kill("SIGKILL");
      }, extra);
    }, 2);
    const exits = await Promise.all(runs);
    clearInterval(poll);
    for (const e of exits) {
      if (e.killed) outcomes.push(`killed@${journalDone(journal)}`);
      else if (e.code === 0) outcomes.push("ok");
      else {
        assert.equal(e.code, 1, e.stderr);
        assert.match(e.stderr, /output folder is in use by pid \d+/, "the only error a concurrent run may see");
        outcomes.push("locked");
      }
    }
    if (exits.some((e) => !e.killed && e.code === 0)) break;
  }
  t.diagnostic(`seed ${seed}, outcomes: ${outcomes.join(", ")}`);
  assert.ok(outcomes.includes("ok"));
  const io = memoryIo();
  assert.equal(await run(["verify", out, "-r", s.out], io), 0, io.stdout);
  assert.deepEqual(readdirSync(out).sort(), readdirSync(ref).sort());
  for (const f of readdirSync(ref)) assert.ok(readFileSync(join(out, f)).equals(readFileSync(join(ref, f))), f);
});
