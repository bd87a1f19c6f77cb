import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { readPatch } from "../../src/archive/patch.js";
import { run } from "../../src/cli/index.js";
import { memoryIo } from "../../src/cli/io.js";
import { BAND_INDEX, BAND_NAMES } from "../../src/core/bands.js";
import { REFERENCE_STATS } from "../../src/core/stats.js";
import { buildInput } from "../../src/dataset/input.js";
import { encodeNpy } from "../../src/dataset/npy.js";
import { bandStats } from "../../src/dataset/stats.js";
import { prep } from "../../src/prep/run.js";
import { createCore } from "../../src/wasm/core.js";
import { tf1BicubicReference } from "../../src/wasm/reference.js";
import { synthFixture, tempDir } from "../helpers/fixtures.js";

const core = await createCore();

/** A minimal .npy reader following the format spec, independent of encodeNpy. */
function parseNpy(bytes: Uint8Array): { shape: number[]; data: Float32Array; headerEnd: number } {
  assert.deepEqual([...bytes.subarray(0, 8)], [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  const hlen = bytes[8]! | (bytes[9]! << 8);
  const header = new TextDecoder().decode(bytes.subarray(10, 10 + hlen));
  assert.equal((10 + hlen) % 64, 0, "data starts on a 64-byte boundary");
  assert.ok(header.endsWith("\n"));
  assert.match(header, /^\{'descr': '<f4', 'fortran_order': False, 'shape': \(([\d, ]+)\), \} *\n$/);
  const shape = (/'shape': \(([^)]*)\)/.exec(header)?.[1] ?? "").split(",").map((s) => s.trim()).filter((s) => s !== "").map(Number);
  const data = new Float32Array(Uint8Array.prototype.slice.call(bytes, 10 + hlen).buffer); // a copy: Buffer.slice is a view
  return { shape, data, headerEnd: 10 + hlen };
}

test(".npy files: magic, version 1.0, 64-byte aligned header, shape tuple (incl. 1-D), data round trip", () => {
  for (const shape of [[5], [1, 2, 3], [1, 120, 120, 10]]) {
    const n = shape.reduce((a, b) => a * b, 1);
    const data = Float32Array.from({ length: n }, (_, i) => i / 3 - 7);
    const p = parseNpy(encodeNpy(data, shape));
    assert.deepEqual(p.shape, shape);
    assert.deepEqual(p.data, data);
  }
  assert.match(new TextDecoder().decode(encodeNpy(new Float32Array(5), [5]).subarray(10, 90)), /'shape': \(5,\)/);
});

test("stack10: z-scored 10 m bands, then 20 m bands z-scored and upsampled by TF1 bicubic, channel-last", async () => {
  const s = await synthFixture(4);
  const p = await readPatch(s.out, s.patches[0] as string);
  const [t] = buildInput(core, p.bands, { layout: "stack10" });
  assert.deepEqual(t?.shape, [120, 120, 10]);
  const order = ["B04", "B03", "B02", "B08", "B05", "B06", "B07", "B8A", "B11", "B12"] as const;
  order.forEach((band, ch) => {
    const raw = p.bands[BAND_INDEX[band]] as Uint16Array;
    const st = REFERENCE_STATS[band];
    let z: Float32Array = Float32Array.from(raw, (x) => Math.fround((x - st.mean) / st.std));
    if (raw.length === 3600) z = tf1BicubicReference(z, 60, 60, 120, 120);
    for (let i = 0; i < 14400; i += 97) assert.ok(Math.abs((t?.data[i * 10 + ch] as number) - (z[i] as number)) <= 1e-5, `${band} pixel ${i}`);
  });
});

test("kbranch gives the three groups at native resolution in the reference's channel order", async () => {
  const s = await synthFixture(4);
  const p = await readPatch(s.out, s.patches[1] as string);
  const ts = buildInput(core, p.bands, { layout: "kbranch" });
  assert.deepEqual(ts.map((t) => [t.name, t.shape]), [["10m", [120, 120, 4]], ["20m", [60, 60, 6]], ["60m", [20, 20, 2]]]);
  const b09 = p.bands[BAND_INDEX.B09] as Uint16Array;
  assert.equal(ts[2]?.data[5 * 2 + 1], Math.fround(((b09[5] as number) - REFERENCE_STATS.B09.mean) / REFERENCE_STATS.B09.std));
});

test("stats equal a two-pass float64 computation over the decoded bands; tensor --stats uses them; folder ≡ record", async () => {
  const s = await synthFixture(12);
  const out = tempDir();
  await prep({ root: s.out, out, splits: [s.splits.train] });
  const shard = join(out, "train.tfrecord");
  const st = await bandStats([shard]);
  const names = readFileSync(s.splits.train, "utf8").split("\r\n").filter((n) => n !== "");
  assert.equal(st.provenance.records, names.length);
  const patches = await Promise.all(names.map((n) => readPatch(s.out, n)));
  for (const [b, band] of BAND_NAMES.entries()) {
    const all = patches.flatMap((p) => Array.from(p.bands[b] as Uint16Array));
    const mean = all.reduce((a, v) => a + v, 0) / all.length;
    const std = Math.sqrt(all.reduce((a, v) => a + (v - mean) ** 2, 0) / all.length);
    assert.ok(Math.abs(st.bands[band].mean - mean) < 1e-9 * mean, `${band} mean`);
    assert.ok(Math.abs(st.bands[band].std - std) < 1e-9 * std, `${band} std: ${st.bands[band].std} vs ${std}`);
  }
  const statsFile = join(out, "stats.json");
  assert.equal(await run(["stats", shard, "-o", statsFile, "--quiet"], memoryIo()), 0);
  const dir = tempDir();
  const io = memoryIo();
  assert.equal(await run(["tensor", join(s.out, names[2] as string), "-o", join(dir, "a.npy"), "--stats", statsFile, "--layout", "stack12"], io), 0, io.stderr);
  assert.equal(await run(["tensor", shard, "--record", "2", "-o", join(dir, "b.npy"), "--stats", statsFile, "--layout", "stack12"], memoryIo()), 0);
  const a = parseNpy(readFileSync(join(dir, "a.npy")));
  assert.deepEqual(a.shape, [1, 120, 120, 12]);
  assert.deepEqual(readFileSync(join(dir, "a.npy")), readFileSync(join(dir, "b.npy")));
  const b01 = patches[2]?.bands[0] as Uint16Array;
  const z = Float32Array.from(b01, (x) => Math.fround((x - st.bands.B01.mean) / st.bands.B01.std));
  const want = tf1BicubicReference(z, 20, 20, 120, 120);
  assert.ok(Math.abs((a.data[0] as number) - (want[0] as number)) <= 1e-5, `${a.data[0]} vs ${want[0]}, ${a.data[12]} vs ${want[1]}`);
  writeFileSync(join(dir, "bad.json"), '{"bands": {"B01": {"mean": 1}}}');
  const bad = memoryIo();
  assert.equal(await run(["tensor", shard, "-o", join(dir, "c.npy"), "--stats", join(dir, "bad.json")], bad), 2);
  assert.match(bad.stderr, /--stats.*bands\.B01/);
});
