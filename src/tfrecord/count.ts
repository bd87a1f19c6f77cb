// Counting the records of TFRecord files from their length headers alone (one 12-byte read per record, no data
// read, no CRC): how the trainer knows the steps per epoch before the first batch. The reader checks CRCs later.
import { openSync, closeSync, fstatSync, readSync } from "node:fs";
import { TFRECORD_FOOTER_BYTES, TFRECORD_HEADER_BYTES } from "../core/constants.js";
import { CorruptRecordError } from "../core/errors.js";

/** Number of records in `file`; a length that runs past the end is a CorruptRecordError. */
export function countRecords(file: string): number {
  const fd = openSync(file, "r");
  try {
    const size = fstatSync(fd).size;
    const header = Buffer.alloc(8);
    let offset = 0;
    let n = 0;
    while (offset < size) {
      if (readSync(fd, header, 0, 8, offset) !== 8) {
        const place = { file, record: n, offset };
        throw new CorruptRecordError("E_TRUNCATED", "the file ends inside a record header", place);
      }
      const next = offset + TFRECORD_HEADER_BYTES + Number(header.readBigUInt64LE(0)) + TFRECORD_FOOTER_BYTES;
      if (next > size) {
        const place = { file, record: n, offset };
        throw new CorruptRecordError("E_TRUNCATED", `record ${n} runs past the end of the file`, place);
      }
      offset = next;
      n++;
    }
    return n;
  } finally {
    closeSync(fd);
  }
}
