import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { CorruptRecordError } from "../../src/core/errors.js";
import { readRecords } from "../../src/tfrecord/reader.js";
import { TFRecordWriter } from "../../src/tfrecord/writer.js";
import { createCore } from "../../src/wasm/core.js";
import { tempDir } from "../helpers/fixtures.js";

const core = await createCore();

async function readAll(file: string): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for await (const r of readRecords(file)) out.push(r.data);
  return out;
}

test("writer → reader round trip over record sizes around the reader's 4 MiB chunk", async () => {
  const file = join(tempDir(), "r.tfrecord");
  const w = await TFRecordWriter.create(file, core);
  const sizes = [0, 1, 100, 4 << 20, (4 << 20) - 11, 3, (4 << 20) + 5, 70000];
  const records = sizes.map((n, k) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + k) & 0xff));
  for (const r of records) w.write(r);
  assert.equal(existsSync(file), false, "no final file before close");
  w.close();
  assert.deepEqual(await readAll(file), records);
});

test("abort leaves neither the final file nor the temporary one", async () => {
  const file = join(tempDir(), "a.tfrecord");
  const w = await TFRecordWriter.create(file, core);
  w.write(new Uint8Array(10));
  w.abort();
  assert.equal(existsSync(file), false);
  assert.equal(existsSync(`${file}.tmp`), false);
});

test("a changed byte anywhere in a 2-record file is caught, with record index and offset; so is truncation", async () => {
  const dir = tempDir();
  const good = join(dir, "good.tfrecord");
  const w = await TFRecordWriter.create(good, core);
  w.write(new TextEncoder().encode("first record"));
  w.write(new TextEncoder().encode("second"));
  w.close();
  const bytes = readFileSync(good);
  const firstEnd = 12 + 12 + 4;
  const bad = join(dir, "bad.tfrecord");
  for (let i = 0; i < bytes.length; i++) {
    const copy = Buffer.from(bytes);
    copy[i] = (copy[i] as number) ^ 0x01;
    writeFileSync(bad, copy);
    await assert.rejects(readAll(bad), (e: unknown) => {
      assert.ok(e instanceof CorruptRecordError, `byte ${i}: ${String(e)}`);
      assert.equal(e.place.file, bad);
      assert.equal(e.place.record, i < firstEnd ? 0 : 1, `byte ${i}`);
      assert.equal(e.place.offset, i < firstEnd ? 0 : firstEnd);
      return true;
    }, `flipping byte ${i}`);
  }
  for (let n = 1; n < bytes.length; n++) {
    if (n === firstEnd) continue; // a clean record boundary: one whole record
    writeFileSync(bad, bytes.subarray(0, n));
    await assert.rejects(readAll(bad), CorruptRecordError, `truncated to ${n} bytes`);
  }
  writeFileSync(bad, bytes.subarray(0, firstEnd));
  assert.equal((await readAll(bad)).length, 1);
});
