// Durable writes: a file is either absent or complete under its final name, and once a function here returns it
// survives a crash. Every output is written under a temporary sibling (`<name>.tmp`), fsynced, renamed over the
// final name (atomic on POSIX file systems) and its folder fsynced (so that the rename itself is on disk).
// Whole files go through writeFileDurable; files written piece by piece (TFRecord shards, predictions) through
// DurableFile or, when their temporary files outlive a process (prep's resumable shards), publish().
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeFileSync, writeSync, writevSync } from "node:fs";
import { dirname } from "node:path";

/** The name a file is written under until it is complete. */
export function tempName(file: string): string {
  return `${file}.tmp`;
}

/** Fsyncs a file or folder by path (folders: so that a rename or a new file in it is durable). */
export function fsyncPath(path: string): void {
  const fd = openSync(path, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export interface DurableOptions {
  /** false: temp name and rename only, no fsync (atomic, not durable); for files rewritten by the hundred
   * thousand (prep --update_json's label files), where an fsync each would cost more than the work. */
  sync?: boolean;
}

/** Writes a whole file durably; see the module comment. */
export function writeFileDurable(file: string, data: string | Uint8Array, options: DurableOptions = {}): void {
  const tmp = tempName(file);
  writeFileSync(tmp, data);
  if (options.sync === false) {
    renameSync(tmp, file);
    return;
  }
  fsyncPath(tmp);
  publish([[tmp, file]]);
}

/** Renames each complete (already fsynced) temporary file to its final name, then fsyncs their folders once. */
export function publish(renames: readonly (readonly [string, string])[]): void {
  for (const [tmp, file] of renames) renameSync(tmp, file);
  for (const dir of new Set(renames.map(([, file]) => dirname(file)))) fsyncPath(dir);
}

/** Writes all of `data` at the file position (writeSync may write less than asked). */
export function writeAll(fd: number, data: Uint8Array): void {
  for (let off = 0; off < data.length; ) off += writeSync(fd, data, off, data.length - off);
}

/** Most buffers passed to one writev (Linux's IOV_MAX). */
const IOV_MAX = 1024;

/** Writes all of `parts`, in order, at the file position, with one writev per IOV_MAX parts (a writev may write
 * less than asked: the rest is written by the next). */
export function writevAll(fd: number, parts: readonly Uint8Array[]): void {
  let i = 0;
  let skip = 0; // bytes of parts[i] already written
  while (i < parts.length) {
    const batch = parts.slice(i, i + IOV_MAX);
    if (skip > 0) batch[0] = (batch[0] as Uint8Array).subarray(skip);
    let n = writevSync(fd, batch);
    for (const p of batch) {
      if (n < p.length) break;
      n -= p.length;
      i++;
      skip = 0;
    }
    skip += n;
  }
}

/** A file written piece by piece under its temporary name: commit() makes it durable under its final one,
 * abort() (or a crash) leaves nothing under the final name. */
export class DurableFile {
  private fd: number;
  readonly tmp: string;

  constructor(readonly file: string) {
    this.tmp = tempName(file);
    this.fd = openSync(this.tmp, "w");
  }

  /** Appends bytes or UTF-8 text. */
  write(data: Uint8Array | string): void {
    if (this.fd < 0) throw new Error(`${this.file}: write after commit or abort`);
    writeAll(this.fd, typeof data === "string" ? Buffer.from(data, "utf8") : data);
  }

  get open(): boolean {
    return this.fd >= 0;
  }

  /** Flushes to disk and gives the file its final name. */
  commit(): void {
    if (this.fd < 0) return;
    fsyncSync(this.fd);
    closeSync(this.fd);
    this.fd = -1;
    publish([[this.tmp, this.file]]);
  }

  /** Discards everything written: closes and deletes the temporary file. Safe after commit (then does nothing). */
  abort(): void {
    if (this.fd < 0) return;
    try {
      closeSync(this.fd);
    } finally {
      this.fd = -1;
      rmSync(this.tmp, { force: true });
    }
  }
}
