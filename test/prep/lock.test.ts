// One writer per output folder: the lock (src/prep/lock.ts) through the CLI. A second run on a folder in use is
// refused naming the holder; a killed run's lock (pid gone on this host) and an expired lease (another host) are
// taken over; parts of one folder lock separately.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readlinkSync, utimesSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { LEASE_SECONDS, OutputLock } from "../../src/prep/lock.js";
import { lockName } from "../../src/prep/naming.js";
import { PROJECT_ROOT } from "../helpers/env.js";
import { synthFixture, tempDir } from "../helpers/fixtures.js";
import { cli } from "../helpers/cli.js";

const CHILD = join(PROJECT_ROOT, "test", "helpers", "cli-child.ts");

/** A pid that existed a moment ago and is gone now. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
  return Number(r.stdout);
}

/** A lock file as another run would leave it, `ageSeconds` since its last renewal. */
function fakeLock(file: string, o: { pid: number; host: string; ageSeconds: number }): void {
  let ns = "";
  try {
    ns = readlinkSync("/proc/self/ns/pid");
  } catch {
    // not Linux: the host name alone tells machines apart
  }
  writeFileSync(file, JSON.stringify({ pid: o.pid, host: o.host, pid_ns: o.host === hostname() ? ns : "other", started: "2026-01-01T00:00:00.000Z", token: "fake" }));
  const t = Date.now() / 1000 - o.ageSeconds;
  utimesSync(file, t, t);
}

test("a second prep on a folder in use is refused naming the holder; the first finishes untouched", async () => {
  const s = await synthFixture(60);
  const out = tempDir();
  const args = ["prep", "-r", s.out, "-o", out, "-n", s.splits.train, "--workers", "1", "--quiet", "--journal-interval", "0"];
  // The first run, in a child process, holds the lock while it works; the second starts once the journal exists.
  const first = spawn(process.execPath, ["--import", "tsx", CHILD, ...args, "--resume"], { cwd: PROJECT_ROOT, stdio: ["ignore", "ignore", "pipe"] });
  let firstErr = "";
  first.stderr.on("data", (d: Buffer) => (firstErr += d.toString()));
  const firstDone = new Promise<number | null>((ok) => first.on("close", ok));
  while (!existsSync(join(out, ".ben19-prep.journal.json"))) await new Promise((r) => setTimeout(r, 5));
  const second = await cli([...args, "--resume"]);
  assert.equal(second.code, 1, second.stderr);
  assert.match(second.stderr, new RegExp(`in use by pid ${String(first.pid)} on host ${hostname()}.*wait for that run to finish`, "s"));
  assert.equal(await firstDone, 0, firstErr);
  assert.equal((await cli(["verify", out])).code, 0);
  assert.ok(!existsSync(join(out, lockName())), "the lock is released");
});

test("a lock left by a killed run on this host is taken over; a live one from another host until its lease expires", async () => {
  const s = await synthFixture(60);
  const args = (out: string): string[] => ["prep", "-r", s.out, "-o", out, "-n", s.splits.val, "--quiet"];
  const dead = tempDir();
  fakeLock(join(dead, lockName()), { pid: deadPid(), host: hostname(), ageSeconds: 1 });
  const r1 = await cli(args(dead));
  assert.equal(r1.code, 0, r1.stderr);
  const remote = tempDir();
  fakeLock(join(remote, lockName()), { pid: 1, host: "node-7.cluster", ageSeconds: 5 });
  const r2 = await cli(args(remote));
  assert.equal(r2.code, 1);
  assert.match(r2.stderr, /in use by pid 1 on host node-7\.cluster.*renewed 5 s ago.*after 120 s/s);
  assert.deepEqual(readdirSync(remote), [lockName()], "nothing written beside the other run's lock");
  fakeLock(join(remote, lockName()), { pid: 1, host: "node-7.cluster", ageSeconds: LEASE_SECONDS + 5 });
  const r3 = await cli(args(remote));
  assert.equal(r3.code, 0, r3.stderr);
  assert.ok(!existsSync(join(remote, lockName())));
});

test("parts lock separately: part 1/2 runs while part 0/2's lock is held", async () => {
  const s = await synthFixture(60);
  const out = tempDir();
  const held = OutputLock.acquire(join(out, lockName({ index: 0, count: 2 })), "test");
  try {
    const base = ["prep", "-r", s.out, "-o", out, "-n", s.splits.val, "--shards", "2", "--quiet"];
    const p1 = await cli([...base, "--part", "1/2"]);
    assert.equal(p1.code, 0, p1.stderr);
    const p0 = await cli([...base, "--part", "0/2"]);
    assert.equal(p0.code, 1);
    assert.match(p0.stderr, /prep --part 0\/2: the output folder is in use/);
  } finally {
    held.release();
  }
});
