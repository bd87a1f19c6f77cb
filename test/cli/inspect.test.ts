import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { run } from "../../src/cli/index.js";
import { memoryIo } from "../../src/cli/io.js";
import { needShared, SHARED_DIR } from "../helpers/env.js";
import { tempDir } from "../helpers/fixtures.js";

test("inspect reads a file written by another tool (the golden file)", async (t) => {
  if (!needShared(t)) return;
  const io = memoryIo();
  assert.equal(await run(["inspect", join(SHARED_DIR, "golden", "real-v1.tfrecord"), "--json", "--records", "2"], io), 0);
  const [s] = JSON.parse(io.stdout) as { records: number; first: { key: string; count: number; preview: unknown[] }[][] }[];
  assert.equal(s?.records, 6);
  const name = s?.first[1]?.find((f) => f.key === "patch_name");
  assert.deepEqual(name?.preview, ["S2A_MSIL2A_20170617T113321_36_85"]);
  assert.equal(s?.first[0]?.find((f) => f.key === "B02")?.count, 14400);
});

test("inspect exits 1 on a corrupt file, naming file, record and offset", async (t) => {
  if (!needShared(t)) return;
  const bytes = readFileSync(join(SHARED_DIR, "golden", "real-v1.tfrecord"));
  const second = Number(bytes.readBigUInt64LE(0)) + 16;
  bytes[second + 500] = (bytes[second + 500] as number) ^ 0x40;
  const bad = join(tempDir(), "bad.tfrecord");
  writeFileSync(bad, bytes);
  const io = memoryIo();
  assert.equal(await run(["inspect", bad], io), 1);
  assert.match(io.stderr, new RegExp(`file ${bad}, record 1, byte offset ${second}: the CRC of the record data does not match`));
});
