// Reading TFRecord files: an async iterator that checks both CRCs of every record. Reads 4 MiB at a time and
// slices records out of the buffer, so a file of small records costs a few syscalls, not one per record.
import { open } from "node:fs/promises";
import { TFRECORD_FOOTER_BYTES, TFRECORD_HEADER_BYTES } from "../core/constants.js";
import { CorruptRecordError, DAMAGED_RECORD_HINT } from "../core/errors.js";
import { createCore, type Core } from "../wasm/core.js";
import { checkedRecordLength } from "./header.js";

/** One record's data (the serialized Example) with its position in the file. */
export interface RecordEntry {
  data: Uint8Array;
  /** 0-based record index and byte offset of the record's frame in the file. */
  index: number;
  offset: number;
}

const CHUNK = 4 << 20;
let shared: Promise<Core> | undefined;

/** Yields every record of a TFRecord file in order; throws CorruptRecordError naming file, record and offset. */
export async function* readRecords(file: string, core?: Core): AsyncGenerator<RecordEntry> {
  const c = core ?? (await (shared ??= createCore()));
  const fh = await open(file, "r");
  try {
    let buf = new Uint8Array(CHUNK);
    let start = 0; // first unconsumed byte in buf
    let end = 0; // one past the last valid byte in buf
    let fileOffset = 0; // file offset of buf[start]
    let eof = false;
    let index = 0;
    const fail = (code: string, message: string, hint?: string): never => {
      const place = { file, record: index, offset: fileOffset };
      throw new CorruptRecordError(code, message, place, hint ?? DAMAGED_RECORD_HINT);
    };
    // Makes at least `need` bytes available from start; false at a clean end of file.
    const fill = async (need: number): Promise<boolean> => {
      if (end - start >= need) return true;
      if (start > 0) {
        buf.copyWithin(0, start, end);
        end -= start;
        start = 0;
      }
      if (need > buf.length) {
        const bigger = new Uint8Array(Math.max(need, buf.length * 2));
        bigger.set(buf.subarray(0, end));
        buf = bigger;
      }
      while (end < need && !eof) {
        const { bytesRead } = await fh.read(buf, end, buf.length - end, null);
        if (bytesRead === 0) eof = true;
        end += bytesRead;
      }
      return end - start >= need;
    };
    for (;;) {
      if (!(await fill(TFRECORD_HEADER_BYTES))) {
        const got = `${end - start} of ${TFRECORD_HEADER_BYTES} bytes`;
        if (end > start) fail("E_TRUNCATED", `the file ends inside a record header (${got})`);
        return;
      }
      const len = checkedRecordLength(buf.subarray(start, start + TFRECORD_HEADER_BYTES), c, fail);
      const total = TFRECORD_HEADER_BYTES + len + TFRECORD_FOOTER_BYTES;
      if (!(await fill(total))) {
        fail("E_TRUNCATED", `the file ends inside a record: it needs ${total} bytes from here, ${end - start} remain`);
      }
      const data = buf.subarray(start + TFRECORD_HEADER_BYTES, start + total - TFRECORD_FOOTER_BYTES);
      const footer = buf.byteOffset + start + total - TFRECORD_FOOTER_BYTES;
      const crc = new DataView(buf.buffer, footer, 4).getUint32(0, true);
      if (crc !== c.maskedCrc32c(data)) fail("E_BAD_DATA_CRC", "the CRC of the record data does not match");
      yield { data: data.slice(), index, offset: fileOffset };
      start += total;
      fileOffset += total;
      index++;
    }
  } finally {
    await fh.close();
  }
}
