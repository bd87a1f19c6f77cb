// The K shard files of one split, written round-robin under temporary names and hashed as they are written.
// Nothing gets a final name until commit(): a failed or killed run leaves no file that looks finished.
import { createHash, type Hash } from "node:crypto";
import { closeSync, existsSync, fsyncSync, openSync, renameSync, rmSync, statSync, truncateSync } from "node:fs";
import { join } from "node:path";
import { Ben19Error } from "../core/errors.js";
import { publish, writevAll } from "../io/durable.js";
import { shardFileName, tempName } from "./naming.js";
import { reframePrefix, type MaskedCrc } from "./reframe.js";

/** One temporary shard as far as it is durable (as the journal records it). */
export interface ShardState {
  records: number;
  bytes: number;
}

/** An unfinished run's shards to continue: each one's journalled state (in `indices` order), and the checks' needs. */
export interface ShardResume {
  states: readonly ShardState[];
  crc: MaskedCrc;
  /** Called while long prefixes are re-read (the lock's lease renewal). */
  tick?: () => void;
}

/** What the manifest records of one finished shard file. */
export interface ShardInfo {
  file: string;
  records: number;
  bytes: number;
  sha256: string;
}

interface OpenShard {
  name: string;
  fd: number;
  hash: Hash;
  records: number;
  bytes: number;
  /** Records added but not yet written, in order; a record adjacent to the last one in its buffer extends it. */
  pending: Uint8Array[];
}


export class ShardSet {
  private readonly shards: OpenShard[];
  private next = 0;
  private closed: ShardInfo[] | undefined;

  /**
   * The shards `indices` (default: all `count`) of a split; records go round-robin over them in the order given,
   * which is how a --part writes its share of the shards (see partition.ts).
   */
  constructor(
    private readonly dir: string,
    split: string,
    count: number,
    indices: readonly number[] = Array.from({ length: count }, (_, k) => k),
    /** Resume an unfinished run (see ShardResume). */
    resume?: ShardResume,
  ) {
    this.shards = [];
    try {
      indices.forEach((k, i) => {
        const name = shardFileName(split, k, count);
        const state = resume?.states[i];
        const fresh = (): OpenShard => {
          const fd = openSync(join(dir, tempName(name)), "w");
          return { name, fd, hash: createHash("sha256"), records: 0, bytes: 0, pending: [] };
        };
        this.shards.push(state === undefined || resume === undefined ? fresh() : this.reopen(name, state, resume));
      });
    } catch (e) {
      // A resumed run's files hold its durable progress: close them but keep them for another try.
      if (resume === undefined) this.abort();
      else this.release();
      throw e;
    }
    if (resume !== undefined) this.next = this.shards.reduce((a, s) => a + s.records, 0) % this.shards.length;
  }

  /**
   * Reopens a temporary shard of an unfinished run at its journalled length: bytes past it (written after the last
   * journal) are cut off, and what is kept is re-read once to recompute the hash and check its framing and record
   * count (reframe.ts). A shard the killed run had already renamed to its final name (it died while committing) is
   * taken back first.
   */
  private reopen(name: string, state: ShardState, resume: ShardResume): OpenShard {
    const tmp = join(this.dir, tempName(name));
    const final = join(this.dir, name);
    if (!existsSync(tmp) && existsSync(final)) renameSync(final, tmp);
    const size = existsSync(tmp) ? statSync(tmp).size : -1;
    if (size < state.bytes) {
      const has = size < 0 ? "missing" : `${size} bytes`;
      throw new Ben19Error(
        "E_RESUME",
        `the unfinished run's ${tempName(name)} is ${has}, its journal says ${state.bytes} were written`,
        { file: tmp },
        "the output folder was changed since: rerun without --resume and with --overwrite to start over",
      );
    }
    const hash = reframePrefix(tmp, state.bytes, state.records, resume.crc, resume.tick);
    truncateSync(tmp, state.bytes);
    return { name, fd: openSync(tmp, "a"), hash, records: state.records, bytes: state.bytes, pending: [] };
  }

  /** Each shard's records and bytes written so far (after flush(): what sync() makes durable). */
  state(): ShardState[] {
    return this.shards.map((s) => ({ records: s.records, bytes: s.bytes }));
  }

  /** Writes every pending run and fsyncs every shard: state() is then on disk. */
  sync(): void {
    this.flush();
    for (const s of this.shards) if (s.fd >= 0) this.io(s, () => fsyncSync(s.fd));
  }

  /** The final file names, in shard order. */
  get names(): string[] {
    return this.shards.map((s) => s.name);
  }

  /**
   * Appends one framed record to the next shard in round-robin order. The records of a shard are written together
   * at flush(), with one writev (runs of records adjacent in one buffer, as a worker's batch with one shard, as one
   * piece); `record` must stay unchanged until then.
   */
  add(record: Uint8Array): void {
    const s = this.shards[this.next] as OpenShard;
    const last = s.pending.length - 1;
    const p = s.pending[last];
    if (p !== undefined && p.buffer === record.buffer && p.byteOffset + p.byteLength === record.byteOffset) {
      s.pending[last] = new Uint8Array(p.buffer, p.byteOffset, p.byteLength + record.byteLength);
    } else {
      s.pending.push(record);
    }
    s.records++;
    s.bytes += record.length;
    this.next = (this.next + 1) % this.shards.length;
  }

  /** Writes every pending run. */
  flush(): void {
    for (const s of this.shards) this.flushShard(s);
  }

  /** Runs a write or sync of shard `s`, naming its file in an OS error (fd-based calls name none). */
  private io(s: OpenShard, f: () => void): void {
    try {
      f();
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      const named = typeof err !== "object" || err === null || err.path !== undefined;
      if (!named) err.path = join(this.dir, tempName(s.name));
      throw e;
    }
  }

  private flushShard(s: OpenShard): void {
    if (s.pending.length === 0) return;
    const parts = s.pending;
    this.io(s, () => writevAll(s.fd, parts));
    for (const p of parts) s.hash.update(p);
    s.pending = [];
  }

  /** Flushes every shard to disk and closes it; the files keep their temporary names. */
  close(): ShardInfo[] {
    if (this.closed !== undefined) return this.closed;
    this.flush();
    this.closed = this.shards.map((s) => {
      this.io(s, () => fsyncSync(s.fd));
      closeSync(s.fd);
      s.fd = -1;
      return { file: s.name, records: s.records, bytes: s.bytes, sha256: s.hash.digest("hex") };
    });
    return this.closed;
  }

  /** Gives every closed shard its final name, durably. */
  commit(): void {
    if (this.closed === undefined) throw new Error("ShardSet.commit() before close()");
    publish(this.shards.map((s) => [join(this.dir, tempName(s.name)), join(this.dir, s.name)]));
  }

  /** Closes every temporary file, keeping it; safe to call more than once. */
  release(): void {
    for (const s of this.shards) {
      if (s.fd >= 0) {
        try {
          closeSync(s.fd);
        } catch {
          // already closed: nothing to release
        }
        s.fd = -1;
      }
    }
  }

  /** Closes and deletes every temporary file; safe to call more than once. */
  abort(): void {
    this.release();
    for (const s of this.shards) rmSync(join(this.dir, tempName(s.name)), { force: true });
  }
}
