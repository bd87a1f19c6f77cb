// The TensorFlow checkpoint reader: real TF 1.0/1.12/1.14 checkpoints (test/fixtures/tf1, from tensorflow/serving)
// read to their known values, through every input kind (PREFIX, .index, folder, zip) and the CLI; round trips
// through an independent bundle writer (snappy, shards, big-endian, tiny blocks and restart intervals) as
// property tests; damaged files are named errors.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import fc from "fast-check";
import { readCheckpoint } from "../../src/ckpt/checkpoint.js";
import { snappyDecompress } from "../../src/ckpt/snappy.js";
import { run } from "../../src/cli/index.js";
import { memoryIo } from "../../src/cli/io.js";
import { CheckpointError } from "../../src/core/errors.js";
import { createCore } from "../../src/wasm/core.js";
import { f32, snappyCompress, writeBundle, type WriterTensor } from "../helpers/bundle-writer.js";
import { PROJECT_ROOT } from "../helpers/env.js";
import { tempDir } from "../helpers/fixtures.js";
import { writeZip } from "../helpers/zip-writer.js";

const FIX = join(PROJECT_ROOT, "test", "fixtures", "tf1");
const core = await createCore();

async function values(path: string): Promise<Record<string, number[]>> {
  const c = await readCheckpoint(path, core);
  try {
    return Object.fromEntries(c.reader.entries.map((e) => [e.name, Array.from(c.reader.float32(e.name))]));
  } finally {
    c.close();
  }
}

/** The float32 stored little-endian in `hex` (bytes in file order, as `xxd` shows them). */
const le = (hex: string): number => Buffer.from(hex, "hex").readFloatLE(0);

test("real TF1 checkpoints: known values (snappy index from TF 1.14, plain from TF 1.12 and 1.0)", async () => {
  const cpu = await values(join(FIX, "saved_model_half_plus_two_cpu", "variables"));
  assert.deepEqual(cpu, { a: [0.5], a2: [0.5], b: [2], c: [3], c2: [3] });
  const three = await values(join(FIX, "saved_model_half_plus_three", "variables.index"));
  assert.deepEqual(three, { a: [0.5], b: [3], c: [3] });
  assert.deepEqual(await values(join(FIX, "saved_model_counter")), { counter: [0] });
  const mkl = await values(join(FIX, "saved_model_half_plus_two_mkl", "variables"));
  assert.deepEqual(mkl, {
    a: [0.5], b: [2], c: [3],
    "conv2d/bias": [0], "conv2d/kernel": [le("bebb05bf")],
    "conv2d_1/bias": [0], "conv2d_1/kernel": [le("3bc685bf")],
    "conv2d_2/bias": [0], "conv2d_2/kernel": [le("0bfac93f")],
  });
  const c = await readCheckpoint(join(FIX, "saved_model_half_plus_two_mkl"), core);
  assert.deepEqual(c.reader.entry("conv2d/kernel")?.shape, [1, 1, 1, 1]);
  assert.equal(c.reader.index.endianness, "little");
  c.close();
});

test("the snappy fixture really is compressed, and the decompressor reads what the test encoder writes", () => {
  const idx = readFileSync(join(FIX, "saved_model_half_plus_two_cpu", "variables.index"));
  // The data block starts the file: a snappy varint length (100 bytes) and a 28-byte literal tag (27 << 2).
  assert.deepEqual([idx[0], idx[1]], [100, 27 << 2]);
  const part = fc.oneof(fc.uint8Array({ maxLength: 40 }), fc.constant(new Uint8Array(70).fill(7)));
  fc.assert(fc.property(fc.array(part, { maxLength: 12 }), (parts) => {
    const src = Buffer.concat([...parts, ...parts]);
    assert.deepEqual(Buffer.from(snappyDecompress(snappyCompress(src))), src);
  }), { numRuns: 300 });
  assert.throws(() => snappyDecompress(Uint8Array.from([5, 0x01 | (0 << 2), 9])), /offset|truncated/);
});

test("every input kind: PREFIX, PREFIX.index, a data file, a folder, a deflated zip, and the CLI", async () => {
  const dir = tempDir("ckpt-kinds-");
  const src = join(FIX, "saved_model_half_plus_two_cpu");
  const zip = join(dir, "half.zip");
  writeZip(zip, readdirSync(src).map((f) => ({ name: `half/${f}`, data: readFileSync(join(src, f)) })));
  const want = { a: [0.5], a2: [0.5], b: [2], c: [3], c2: [3] };
  const kinds = [
    join(src, "variables"), join(src, "variables.index"), join(src, "variables.data-00000-of-00001"), src, zip,
  ];
  for (const p of kinds) {
    assert.deepEqual(await values(p), want, p);
  }
  const io = memoryIo();
  assert.equal(await run(["ckpt", "list", zip, "--json"], io), 0, io.stderr);
  const l = JSON.parse(io.stdout) as { tensors: { name: string; dtype: string; shape: number[] }[]; shards: number };
  assert.deepEqual(l.tensors.map((t) => [t.name, t.dtype, t.shape]),
    ["a", "a2", "b", "c", "c2"].map((n) => [n, "float32", []]));
  const text = memoryIo();
  assert.equal(await run(["ckpt", "list", join(FIX, "saved_model_half_plus_two_mkl")], text), 0);
  assert.match(text.stdout, /conv2d\/kernel\s+float32\s+\[1, 1, 1, 1\]/);
  const bad = memoryIo();
  assert.equal(await run(["ckpt", "list", FIX], bad), 1);
  assert.match(bad.stderr, /holds 4 checkpoints/);
  assert.doesNotMatch(bad.stderr, /\n\s+at /); // no stack trace
});

const tensorArb = fc.record({
  name: fc.stringMatching(/^[a-z][a-z0-9_/]{0,30}$/),
  shape: fc.array(fc.integer({ min: 1, max: 5 }), { maxLength: 3 }),
  seed: fc.integer(),
});

test("round trip through the test writer: names, shapes, shards, snappy, blocks, restarts, endianness", async () => {
  const dir = tempDir("ckpt-rt-");
  let n = 0;
  await fc.assert(fc.asyncProperty(
    fc.uniqueArray(tensorArb, { minLength: 1, maxLength: 25, selector: (t) => t.name }),
    fc.record({
      shards: fc.integer({ min: 1, max: 4 }), snappy: fc.boolean(), blockSize: fc.integer({ min: 1, max: 600 }),
      restartInterval: fc.integer({ min: 1, max: 16 }), bigEndian: fc.boolean(),
    }),
    async (specs, o) => {
      const tensors: WriterTensor[] = specs.map((s) => {
        const count = s.shape.reduce((a, b) => a * b, 1);
        // Repeated values so that snappy finds matches in the index and values.
        const v = Float32Array.from({ length: count }, (_, i) => ((s.seed + i) % 7) * 0.25 - 1);
        return f32(s.name, s.shape, v);
      });
      const prefix = join(dir, `rt${n++}`, "model.ckpt-42");
      writeBundle(prefix, tensors, core, o);
      const c = await readCheckpoint(prefix, core);
      try {
        assert.equal(c.reader.index.shards, o.shards);
        assert.equal(c.reader.index.endianness, o.bigEndian ? "big" : "little");
        const sorted = tensors.map((t) => t.name).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
        assert.deepEqual(c.reader.entries.map((e) => e.name), sorted);
        for (const t of tensors) {
          assert.deepEqual(c.reader.entry(t.name)?.shape, t.shape);
          assert.deepEqual(Buffer.from(c.reader.bytes(t.name)), Buffer.from(t.data));
        }
      } finally {
        c.close();
      }
    }), { numRuns: 60 });
});

test("other dtypes are listed and refused by name; damaged index, data and zip files are named errors", async () => {
  const dir = tempDir("ckpt-bad-");
  const prefix = join(dir, "model.ckpt");
  const step = new Uint8Array(8);
  step[0] = 42;
  writeBundle(prefix, [
    f32("w", [2, 2], Float32Array.from([1, 2, 3, 4])),
    { name: "global_step", dtype: 9, shape: [], data: step },
    { name: "names", dtype: 7, shape: [1], data: Uint8Array.from([1, 65]) },
  ], core);
  const c = await readCheckpoint(prefix, core);
  assert.deepEqual(c.reader.entries.map((e) => [e.name, e.dtypeName]),
    [["global_step", "int64"], ["names", "string"], ["w", "float32"]]);
  assert.deepEqual(Buffer.from(c.reader.bytes("global_step")), Buffer.from(step));
  assert.throws(() => c.reader.float32("global_step"),
    (e: unknown) => e instanceof CheckpointError && /int64, expected float32/.test(e.message));
  assert.throws(() => c.reader.bytes("names"), /string tensors have no fixed-size layout/);
  assert.throws(() => c.reader.bytes("nope"), /no tensor named "nope"/);
  c.close();

  const data = `${prefix}.data-00000-of-00001`;
  const good = readFileSync(data);
  const flipped = Buffer.from(good);
  flipped[1] = (flipped[1] as number) ^ 0x40;
  writeFileSync(data, flipped);
  const d = await readCheckpoint(prefix, core);
  assert.throws(() => d.reader.float32("w"),
    (e: unknown) => e instanceof CheckpointError && e.code === "E_CKPT_TENSOR" && /CRC32C mismatch/.test(e.message));
  d.close();
  writeFileSync(data, good.subarray(0, 10));
  const t = await readCheckpoint(prefix, core);
  assert.throws(() => t.reader.float32("w"), /run past the 10-byte data file/);
  t.close();

  const index = readFileSync(`${prefix}.index`);
  const bad = Buffer.from(index);
  bad[3] = (bad[3] as number) ^ 1;
  writeFileSync(`${prefix}.index`, bad);
  await assert.rejects(readCheckpoint(prefix, core),
    (e: unknown) => e instanceof CheckpointError && e.code === "E_CKPT_INDEX" && /checksum mismatch/.test(e.message));
  writeFileSync(`${prefix}.index`, index.subarray(0, 30));
  await assert.rejects(readCheckpoint(prefix, core), /shorter than a table footer/);
  writeFileSync(`${prefix}.index`, Buffer.alloc(100, 3));
  await assert.rejects(readCheckpoint(prefix, core), /no table magic number/);

  const zip = join(dir, "cut.zip");
  writeZip(zip, [{ name: "x.index", data: index }]);
  writeFileSync(zip, readFileSync(zip).subarray(0, 40));
  await assert.rejects(readCheckpoint(zip, core),
    (e: unknown) => e instanceof CheckpointError && e.code === "E_CKPT_ZIP");
});
