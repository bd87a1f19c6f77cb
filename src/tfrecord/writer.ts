// Writing a TFRecord file safely: frames stream to `<name>.tmp` (io/durable.ts), which is flushed to disk and
// renamed to `<name>` on close. A crash or abort() never leaves a truncated file under the final name.
import { DurableFile } from "../io/durable.js";
import { createCore, type Core } from "../wasm/core.js";

export class TFRecordWriter {
  private readonly out: DurableFile;
  private count = 0;
  private bytes = 0;

  private constructor(
    readonly file: string,
    private readonly core: Core,
  ) {
    this.out = new DurableFile(file);
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
    if (!this.out.open) throw new Error(`TFRecordWriter(${this.file}): write after close or abort`);
    this.out.write(frame);
    this.count++;
    this.bytes += frame.length;
  }

  /** Records and bytes written so far. */
  get stats(): { records: number; bytes: number } {
    return { records: this.count, bytes: this.bytes };
  }

  /** Flushes to disk and gives the file its final name. */
  close(): void {
    this.out.commit();
  }

  /** Discards everything written: closes and deletes the temporary file. */
  abort(): void {
    this.out.abort();
  }
}
