// The K shard files of one split, written round-robin under temporary names and hashed as they are written.
// Nothing gets a final name until commit(): a failed or killed run leaves no file that looks finished.
import { createHash, type Hash } from "node:crypto";
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { shardFileName, tempName } from "./naming.js";

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
  /** A run of records added but not yet written: a view of one buffer, grown while records arrive adjacent. */
  pending: Uint8Array | undefined;
}

function writeAll(fd: number, data: Uint8Array): void {
  for (let off = 0; off < data.length; ) off += writeSync(fd, data, off, data.length - off);
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
  ) {
    this.shards = [];
    try {
      for (const k of indices) {
        const name = shardFileName(split, k, count);
        this.shards.push({ name, fd: openSync(join(dir, tempName(name)), "w"), hash: createHash("sha256"), records: 0, bytes: 0, pending: undefined });
      }
    } catch (e) {
      this.abort();
      throw e;
    }
  }

  /** The final file names, in shard order. */
  get names(): string[] {
    return this.shards.map((s) => s.name);
  }

  /**
   * Appends one framed record to the next shard in round-robin order. Records that lie next to each other in one
   * buffer (a worker's batch, with one shard) are written with one call at flush(); `record` must stay unchanged
   * until then.
   */
  add(record: Uint8Array): void {
    const s = this.shards[this.next] as OpenShard;
    const p = s.pending;
    if (p !== undefined && p.buffer === record.buffer && p.byteOffset + p.byteLength === record.byteOffset) {
      s.pending = new Uint8Array(p.buffer, p.byteOffset, p.byteLength + record.byteLength);
    } else {
      this.flushShard(s);
      s.pending = record;
    }
    s.records++;
    s.bytes += record.length;
    this.next = (this.next + 1) % this.shards.length;
  }

  /** Writes every pending run. */
  flush(): void {
    for (const s of this.shards) this.flushShard(s);
  }

  private flushShard(s: OpenShard): void {
    if (s.pending === undefined) return;
    writeAll(s.fd, s.pending);
    s.hash.update(s.pending);
    s.pending = undefined;
  }

  /** Flushes every shard to disk and closes it; the files keep their temporary names. */
  close(): ShardInfo[] {
    if (this.closed !== undefined) return this.closed;
    this.flush();
    this.closed = this.shards.map((s) => {
      fsyncSync(s.fd);
      closeSync(s.fd);
      s.fd = -1;
      return { file: s.name, records: s.records, bytes: s.bytes, sha256: s.hash.digest("hex") };
    });
    return this.closed;
  }

  /** Gives every closed shard its final name. */
  commit(): void {
    if (this.closed === undefined) throw new Error("ShardSet.commit() before close()");
    for (const s of this.shards) renameSync(join(this.dir, tempName(s.name)), join(this.dir, s.name));
  }

  /** Closes and deletes every temporary file; safe to call more than once. */
  abort(): void {
    for (const s of this.shards) {
      if (s.fd >= 0) {
        try {
          closeSync(s.fd);
        } catch {
          // already closed: nothing to release
        }
        s.fd = -1;
      }
      rmSync(join(this.dir, tempName(s.name)), { force: true });
    }
  }
}
