// Resume checks the kept prefix of an unfinished run's temporary shard before trusting it: in the same single read
// that recomputes its sha256, every record's framing is re-checked (length, both masked CRCs), the journalled length
// must end exactly at a record boundary, and the record count must be the journal's. A byte flipped on disk, a
// journal cut mid-record or edited counts become a named error instead of a corrupt shard under a valid manifest.
import { createHash, type Hash } from "node:crypto";
import { closeSync, openSync, readSync } from "node:fs";
import { basename } from "node:path";
import { TFRECORD_FOOTER_BYTES, TFRECORD_HEADER_BYTES } from "../core/constants.js";
import { Ben19Error } from "../core/errors.js";

/** The masked CRC32C of a byte range (the WASM core's). */
export type MaskedCrc = (data: Uint8Array) => number;

const CHUNK = 1 << 20;
const FIX = "the unfinished run's files were changed or damaged since its journal was written: " +
  "rerun without --resume and with --overwrite to start over";

/**
 * Reads bytes [0, bytes) of `file` once: returns their sha256 state (to be continued by the writer) after checking
 * that they hold exactly `records` well-framed TFRecord records. `tick` is called between chunks (lock renewal).
 */
export function reframePrefix(
  file: string, bytes: number, records: number, crc: MaskedCrc, tick: () => void = () => undefined,
): Hash {
  const hash = createHash("sha256");
  const fd = openSync(file, "r");
  let buf = new Uint8Array(CHUNK);
  let have = 0; // unparsed bytes at the start of buf
  let offset = 0; // file offset of buf[0]
  let count = 0;
  const fail = (message: string): never => {
    throw new Ben19Error("E_RESUME_DAMAGED", `${basename(file)}: ${message}`, { file, record: count, offset }, FIX);
  };
  try {
    for (let read = 0; read < bytes; ) {
      if (have === buf.length) {
        const bigger = new Uint8Array(buf.length * 2);
        bigger.set(buf);
        buf = bigger;
      }
      const n = readSync(fd, buf, have, Math.min(buf.length - have, bytes - read), read);
      if (n === 0) fail(`the file ends at byte ${read}, its journal says ${bytes}`);
      hash.update(buf.subarray(have, have + n));
      read += n;
      have += n;
      let p = 0;
      while (have - p >= TFRECORD_HEADER_BYTES) {
        const view = new DataView(buf.buffer, p, TFRECORD_HEADER_BYTES);
        if (view.getUint32(8, true) !== crc(buf.subarray(p, p + 8))) fail("the CRC of a record length does not match");
        const len = view.getBigUint64(0, true);
        if (len > BigInt(bytes)) fail(`a record announces ${len} bytes, more than the journalled ${bytes}`);
        const total = TFRECORD_HEADER_BYTES + Number(len) + TFRECORD_FOOTER_BYTES;
        if (have - p < total) break;
        const data = buf.subarray(p + TFRECORD_HEADER_BYTES, p + total - TFRECORD_FOOTER_BYTES);
        const stored = new DataView(buf.buffer, p + total - TFRECORD_FOOTER_BYTES, 4).getUint32(0, true);
        if (stored !== crc(data)) fail("the CRC of a record's data does not match");
        p += total;
        offset += total;
        count++;
      }
      buf.copyWithin(0, p, have);
      have -= p;
      tick();
    }
  } finally {
    closeSync(fd);
  }
  if (have !== 0) fail(`the journalled length ${bytes} ends ${have} bytes into a record, not at a record boundary`);
  if (count !== records) fail(`holds ${count} records in its journalled ${bytes} bytes, the journal says ${records}`);
  return hash;
}
