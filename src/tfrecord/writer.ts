// Writing a TFRecord file safely: frames stream to `<name>.tmp`, which is flushed to disk and renamed to
// `<name>` on close. A crash or abort() never leaves a truncated file under the final name.
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { createCore, type Core } from "../wasm/core.js";

export class TFRecordWriter {
  private fd: number;
  private readonly tmp: string;
  private count = 0;
  private bytes = 0;

  private constructor(
    readonly file: string,
    private readonly core: Core,
  ) {
    this.tmp = `${file}.tmp`;
    this.fd = openSync(this.tmp, "w");
  }

  /** Opens `<file>.tmp` for writing. */
  static async create(file: string, core?: Core): Promise<TFRecordWriter> {
    return new TFRecordWriter(file, core ?? (await createCore()));
  }

  /** Appends data (a serialized Example, or any bytes) as one framed record. */
  write(data: Uint8Array): void {
    this.writeFramed(this.core.frame(data));
  }

  /** Appends an already framed record (e.g. from Core.encodeRecord). */
  writeFramed(frame: Uint8Array): void {
    if (this.fd < 0) throw new Error(`TFRecordWriter(${this.file}): write after close or abort`);
    for (let off = 0; off < frame.length; ) off += writeSync(this.fd, frame, off, frame.length - off);
    this.count++;
    this.bytes += frame.length;
  }

  /** Records and bytes written so far. */
  get stats(): { records: number; bytes: number } {
    return { records: this.count, bytes: this.bytes };
  }

  /** Flushes to disk and gives the file its final name. */
  close(): void {
    if (this.fd < 0) return;
    fsyncSync(this.fd);
    closeSync(this.fd);
    this.fd = -1;
    renameSync(this.tmp, this.file);
  }

  /** Discards everything written: closes and deletes the temporary file. */
  abort(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
    rmSync(this.tmp, { force: true });
  }
}
