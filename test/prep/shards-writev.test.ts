// ShardSet gathers each shard's records of a batch into one writev (runs adjacent in a buffer as one piece), and
// writevAll writes any number of pieces: the files must hold exactly the round-robin records, hashed as written.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { closeSync, openSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { writevAll } from "../../src/io/durable.js";
import { tempName } from "../../src/prep/naming.js";
import { ShardSet } from "../../src/prep/shards.js";
import { tempDir } from "../helpers/fixtures.js";

/** `n` records of varying sizes, cut from one buffer (as a worker's batch is). */
function batch(n: number, seed: number): Uint8Array[] {
  const sizes = Array.from({ length: n }, (_, i) => 1 + ((i * 7919 + seed * 31) % 5000));
  const buf = new Uint8Array(sizes.reduce((a, b) => a + b, 0)).map((_, i) => (i * 13 + seed) & 0xff);
  let off = 0;
  return sizes.map((s) => buf.subarray(off, (off += s)));
}

const concat = (parts: readonly Uint8Array[]): Buffer => Buffer.concat(parts.map((p) => Buffer.from(p)));

test("ShardSet: batches across shard boundaries land round-robin, byte for byte, with each shard's sha256", () => {
  for (const shards of [1, 3, 4]) {
    const dir = tempDir();
    const set = new ShardSet(dir, "train", shards);
    // Batches of sizes that do not divide the shard count, flushed after each (as PrepOutput.write does).
    const records = [batch(7, 1), batch(32, 2), batch(5, 3), batch(1, 4)];
    for (const b of records) {
      for (const r of b) set.add(r);
      set.flush();
    }
    const all = records.flat();
    const infos = set.close();
    infos.forEach((info, k) => {
      const expected = concat(all.filter((_, i) => i % shards === k));
      const file = readFileSync(join(dir, tempName(info.file)));
      assert.ok(file.equals(expected), `${shards} shards: shard ${k} bytes`);
      assert.equal(info.records, all.filter((_, i) => i % shards === k).length);
      assert.equal(info.bytes, expected.length);
      assert.equal(info.sha256, createHash("sha256").update(expected).digest("hex"));
    });
    set.abort();
  }
});

test("writevAll: more pieces than one writev takes (IOV_MAX), empty ones included, written in order", () => {
  const parts = [...batch(2500, 9), new Uint8Array(0), ...batch(3, 10)];
  const file = join(tempDir(), "v.bin");
  const fd = openSync(file, "w");
  try {
    writevAll(fd, parts);
  } finally {
    closeSync(fd);
  }
  assert.ok(readFileSync(file).equals(concat(parts)));
});
