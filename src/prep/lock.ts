// One writer per output folder (per part with --part): prep holds a lock file in the folder for its whole run,
// resume included. A second run on the same folder (a duplicated pod, a re-queued array task, a user's second
// terminal) gets a named error saying who holds it, instead of joining the first run's journal and corrupting it.
//
// The lock is a small JSON file created with O_EXCL: who (pid, host, pid namespace), since when, and a random token.
// The holder renews its lease by touching the file's mtime every few seconds. A lock is stale, and is taken over,
// when its pid is gone on this host (same hostname and pid namespace: a killed run) or when its lease was not
// renewed for LEASE_SECONDS (a run on another machine or container that died: Kubernetes, Slurm). Takeover moves
// the stale file aside and checks that the file moved is the one judged stale, so two runs taking over at once
// cannot both win; a holder that finds its lock gone or replaced stops with E_LOCK_LOST.
import { randomBytes } from "node:crypto";
import {
  closeSync, fsyncSync, linkSync, openSync, readFileSync, readlinkSync, renameSync, rmSync, statSync, utimesSync,
  writeSync,
} from "node:fs";
import { hostname } from "node:os";
import { basename } from "node:path";
import { Ben19Error } from "../core/errors.js";

/** A lock not renewed for this long is stale, wherever its holder ran. */
export const LEASE_SECONDS = 120;
/** How often the holder renews its lease (a timer, plus every checkpoint). */
export const RENEW_SECONDS = 10;

/** What the lock file holds. */
export interface LockInfo {
  pid: number;
  host: string;
  /** The pid namespace (Linux): two containers on one host may share a hostname but not their pids. */
  pid_ns: string;
  started: string;
  token: string;
}

function pidNamespace(): string {
  try {
    return readlinkSync("/proc/self/ns/pid");
  } catch {
    return "";
  }
}

/** True when process `pid` exists on this machine (in this pid namespace). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to another user.
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

function errno(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException).code;
}

/** A held lock; see the module comment. */
export class OutputLock {
  private timer: NodeJS.Timeout | undefined;
  private lastRenew = Date.now();
  /** Set when the lock file was removed or replaced by another run: the holder must stop. */
  lost = false;

  private constructor(
    readonly file: string,
    readonly info: LockInfo,
  ) {}

  /** Takes the lock `file` or throws E_LOCKED naming its holder; `what` names the run in messages. */
  static acquire(file: string, what: string): OutputLock {
    const me: LockInfo = {
      pid: process.pid, host: hostname(), pid_ns: pidNamespace(), started: new Date().toISOString(),
      token: randomBytes(12).toString("hex"),
    };
    for (let attempt = 0; attempt < 5; attempt++) {
      let fd: number;
      try {
        fd = openSync(file, "wx");
      } catch (e) {
        if (errno(e) !== "EEXIST") throw e;
        takeOverIfStale(file, me, what);
        continue;
      }
      try {
        writeSync(fd, `${JSON.stringify(me)}\n`);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      const lock = new OutputLock(file, me);
      lock.timer = setInterval(() => lock.renew(), RENEW_SECONDS * 1000);
      lock.timer.unref();
      return lock;
    }
    const hint = "another run is starting on this folder at the same moment: let one run alone";
    throw new Ben19Error("E_LOCKED", `${what}: the lock ${basename(file)} keeps changing hands`, { file }, hint);
  }

  /** Renews the lease (at most once a second); marks the lock lost when the file is no longer ours. */
  renew(force = false): void {
    const now = Date.now();
    if (this.lost || (!force && now - this.lastRenew < 1000)) return;
    this.lastRenew = now;
    try {
      const held = JSON.parse(readFileSync(this.file, "utf8")) as LockInfo;
      if (held.token !== this.info.token) this.lost = true;
      else utimesSync(this.file, now / 1000, now / 1000);
    } catch {
      this.lost = true;
    }
  }

  /** Throws E_LOCK_LOST when another run took the lock (this run was judged dead: paused past its lease). */
  check(): void {
    this.renew();
    if (this.lost) {
      const message = `another run took over the output folder's lock ${basename(this.file)} ` +
        `(this run did not renew it for ${LEASE_SECONDS} s, or the file was removed)`;
      const hint = "this run stops so that only one writes; let the other run finish, " +
        "or rerun with --resume once it is gone";
      throw new Ben19Error("E_LOCK_LOST", message, { file: this.file }, hint);
    }
  }

  /** Stops renewing and removes the lock file if it is still ours. */
  release(): void {
    clearInterval(this.timer);
    try {
      const held = JSON.parse(readFileSync(this.file, "utf8")) as LockInfo;
      if (held.token === this.info.token) rmSync(this.file, { force: true });
    } catch {
      // gone already, or not ours: nothing to release
    }
  }
}

/** Removes the lock `file` when it is stale (see the module comment); else throws E_LOCKED naming its holder. */
function takeOverIfStale(file: string, me: LockInfo, what: string): void {
  let text: string;
  let mtimeMs: number;
  try {
    text = readFileSync(file, "utf8");
    mtimeMs = statSync(file).mtimeMs;
  } catch (e) {
    if (errno(e) === "ENOENT") return; // released meanwhile: try again
    throw e;
  }
  let held: Partial<LockInfo> = {};
  try {
    held = JSON.parse(text) as LockInfo;
  } catch {
    // a lock being written this instant, or a damaged one: only its age can tell
  }
  const age = Math.max(0, (Date.now() - mtimeMs) / 1000);
  const sameMachine = held.host === me.host && held.pid_ns === me.pid_ns;
  const dead = sameMachine && typeof held.pid === "number" && held.pid !== me.pid && !alive(held.pid);
  if (!dead && age <= LEASE_SECONDS) {
    const who = held.pid === undefined
      ? "another run"
      : `pid ${held.pid} on host ${held.host ?? "?"} (started ${held.started ?? "?"})`;
    throw new Ben19Error(
      "E_LOCKED",
      `${what}: the output folder is in use by ${who}; its lease was renewed ${Math.round(age)} s ago`,
      { file },
      sameMachine
        ? "wait for that run to finish, or stop it and rerun with --resume"
        : `if that run is gone (a killed pod or job), rerun with --resume after ${LEASE_SECONDS} s without renewal, ` +
          "when its lock is taken over; retries with a back-off do this by themselves",
    );
  }
  const aside = `${file}.stale-${me.token}`;
  try {
    renameSync(file, aside);
  } catch (e) {
    if (errno(e) === "ENOENT") return;
    throw e;
  }
  let moved = "";
  try {
    moved = readFileSync(aside, "utf8");
  } catch {
    // unreadable: treated as not the one judged stale
  }
  // Another run replaced the stale lock between our read and our rename: put its live lock back.
  if (moved !== text) {
    try {
      linkSync(aside, file);
    } catch {
      // a third run holds the name now; the one we moved will find its lock gone and stop (E_LOCK_LOST)
    }
  }
  rmSync(aside, { force: true });
}
