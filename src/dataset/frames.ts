// The dataset's reader of TFRecord shards. Unlike tfrecord/reader.ts it checks only the length CRC here: each
// record's data CRC goes along with it and is checked by the decode worker on the copy it makes into the core
// anyway, which takes the largest per-record cost off the main thread and one 160 KB copy off the whole. Each
// record is read straight from the file into a pooled buffer, one positioned read per record that also brings
// the next record's header.
import { open } from "node:fs/promises";
import { TFRECORD_FOOTER_BYTES, TFRECORD_HEADER_BYTES } from "../core/constants.js";
import { CorruptRecordError, DAMAGED_RECORD_HINT } from "../core/errors.js";
import { checkedRecordLength } from "../tfrecord/header.js";
import type { Core } from "../wasm/core.js";
import type { BufferPool } from "./buffers.js";

/** One record: the serialized Example (a view of a pooled buffer), its stored masked data CRC, its place. */
export interface Frame {
  data: Uint8Array;
  crc: number;
  /** 0-based record index and byte offset of the record's frame in the file. */
  index: number;
  offset: number;
}

/** Yields every record of a TFRecord file in order; throws CorruptRecordError naming file, record and offset. */
export async function* readFrames(file: string, core: Core, pool: BufferPool): AsyncGenerator<Frame> {
  const fh = await open(file, "r");
  try {
    const size = (await fh.stat()).size;
    let index = 0;
    let offset = 0;
    const fail = (code: string, message: string): never => {
      throw new CorruptRecordError(code, message, { file, record: index, offset }, DAMAGED_RECORD_HINT);
    };
    let header = new Uint8Array(TFRECORD_HEADER_BYTES);
    let have = (await fh.read(header, 0, TFRECORD_HEADER_BYTES, 0)).bytesRead;
    while (have > 0) {
      if (have < TFRECORD_HEADER_BYTES) {
        fail("E_TRUNCATED", `the file ends inside a record header (${have} of ${TFRECORD_HEADER_BYTES} bytes)`);
      }
      const len = checkedRecordLength(header, core, fail);
      const total = TFRECORD_HEADER_BYTES + len + TFRECORD_FOOTER_BYTES;
      // Checked against the file's size before a buffer is taken, so a damaged length cannot ask for gigabytes.
      if (offset + total > size) {
        const remain = size - offset;
        fail("E_TRUNCATED", `the file ends inside a record: it needs ${total} bytes from here, ${remain} remain`);
      }
      const want = len + TFRECORD_FOOTER_BYTES + TFRECORD_HEADER_BYTES;
      const buf = pool.take(want);
      const got = (await fh.read(buf, 0, want, offset + TFRECORD_HEADER_BYTES)).bytesRead;
      if (got < len + TFRECORD_FOOTER_BYTES) {
        const remain = TFRECORD_HEADER_BYTES + got;
        fail("E_TRUNCATED", `the file ends inside a record: it needs ${total} bytes from here, ${remain} remain`);
      }
      // The next header is copied out now: the buffer leaves with the record.
      have = got - len - TFRECORD_FOOTER_BYTES;
      header = buf.slice(len + TFRECORD_FOOTER_BYTES, len + TFRECORD_FOOTER_BYTES + have);
      const crc = new DataView(buf.buffer, len, TFRECORD_FOOTER_BYTES).getUint32(0, true);
      yield { data: buf.subarray(0, len), crc, index, offset };
      offset += total;
      index++;
    }
  } finally {
    await fh.close();
  }
}
