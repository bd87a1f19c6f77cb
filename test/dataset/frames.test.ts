// The dataset's reader (readFrames: length CRC here, data CRC left to the decode worker) against the checked
// TFRecord reader: the same records and places, the same errors for damaged headers and truncated files, and the
// stored data CRC that exposes a damaged record body or footer.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { CorruptRecordError } from "../../src/core/errors.js";
import { BufferPool } from "../../src/dataset/buffers.js";
import { readFrames } from "../../src/dataset/frames.js";
import { readRecords } from "../../src/tfrecord/reader.js";
import { TFRecordWriter } from "../../src/tfrecord/writer.js";
import { createCore } from "../../src/wasm/core.js";
import { tempDir } from "../helpers/fixtures.js";

const core = await createCore();

interface Seen {
  records: { data: Buffer; index: number; offset: number; crcOk: boolean }[];
  error?: { code: string; message: string; record: number | undefined; offset: number | undefined };
}

/** Everything a reader yields (copied, then handed back to the pool as the dataset does) and how it ends. */
async function seen(it: AsyncIterable<{ data: Uint8Array; index: number; offset: number; crc?: number }>, pool?: BufferPool): Promise<Seen> {
  const out: Seen = { records: [] };
  try {
    for await (const r of it) {
      out.records.push({ data: Buffer.from(r.data), index: r.index, offset: r.offset, crcOk: r.crc === undefined || r.crc === core.maskedCrc32c(r.data) });
      pool?.give([r.data.buffer]);
    }
  } catch (e) {
    assert.ok(e instanceof CorruptRecordError, String(e));
    out.error = { code: e.code, message: e.message, record: e.place.record, offset: e.place.offset };
  }
  return out;
}

async function write(file: string, records: readonly Uint8Array[]): Promise<Buffer> {
  const w = await TFRecordWriter.create(file, core);
  for (const r of records) w.write(r);
  w.close();
  return readFileSync(file);
}

test("readFrames yields what readRecords does, with the stored data CRC, through reused buffers of any size", async () => {
  const file = join(tempDir(), "f.tfrecord");
  const sizes = [0, 1, 100, 70000, 200000, 3, 160000, 159000];
  await write(file, sizes.map((n, k) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + k) & 0xff)));
  const want = await seen(readRecords(file, core));
  const pool = new BufferPool();
  for (let round = 0; round < 2; round++) assert.deepEqual(await seen(readFrames(file, core, pool), pool), want);
  assert.equal(want.records.length, sizes.length);
});

test("damaged headers and truncation: the same CorruptRecordError as readRecords; damaged data: a CRC that does not match", async () => {
  const dir = tempDir();
  const bytes = await write(join(dir, "good.tfrecord"), [new TextEncoder().encode("first record"), new TextEncoder().encode("second")]);
  const bad = join(dir, "bad.tfrecord");
  const pool = new BufferPool();
  for (let i = 0; i < bytes.length; i++) {
    const copy = Buffer.from(bytes);
    copy[i] = (copy[i] as number) ^ 0x01;
    writeFileSync(bad, copy);
    const want = await seen(readRecords(bad, core));
    const got = await seen(readFrames(bad, core, pool), pool);
    if (want.error?.code === "E_BAD_DATA_CRC") {
      // The dataset's worker finds it: the record comes out whole, with a CRC its data does not have.
      assert.equal(got.error, undefined, `byte ${i}`);
      assert.deepEqual(got.records.map((r) => r.crcOk), [0, 1].map((k) => k !== want.error?.record), `byte ${i}`);
      assert.deepEqual(got.records.slice(0, want.records.length), want.records);
    } else {
      assert.deepEqual(got, want, `byte ${i}`);
    }
  }
  for (let n = 0; n < bytes.length; n++) {
    writeFileSync(bad, bytes.subarray(0, n));
    assert.deepEqual(await seen(readFrames(bad, core, pool), pool), await seen(readRecords(bad, core)), `first ${n} bytes`);
  }
});
