import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { readPatch } from "../../src/archive/patch.js";
import { CorruptRecordError, OptionError } from "../../src/core/errors.js";
import type { Batch } from "../../src/dataset/batch.js";
import { createDataset, type Dataset } from "../../src/dataset/dataset.js";
import { expandShards } from "../../src/dataset/files.js";
import { buildInput } from "../../src/dataset/input.js";
import type { LayoutName } from "../../src/contract/layouts.js";
import type { DatasetOptions } from "../../src/dataset/options.js";
import { batchToTensors } from "../../src/dataset/tensors.js";
import { multiHot19 } from "../../src/labels/convert.js";
import { prep } from "../../src/prep/run.js";
import { readRecords } from "../../src/tfrecord/reader.js";
import { TFRecordWriter } from "../../src/tfrecord/writer.js";
import { createCore } from "../../src/wasm/core.js";
import { synthFixture, tempDir } from "../helpers/fixtures.js";

const core = await createCore();
const PATCHES = 90;

/** All synth patches in one CSV, prepped into 3 shards (record i → shard i mod 3). */
const fixture = (async () => {
  const s = await synthFixture(PATCHES, 23);
  const out = tempDir();
  const csv = join(out, "all.csv");
  writeFileSync(csv, s.patches.map((p) => `${p}\r\n`).join(""));
  await prep({ root: s.out, out, splits: [csv], shards: 3, workers: 2 });
  const shards = [0, 1, 2].map((k) => join(out, `all_0${k}.tfrecord`));
  return { s, out, shards, glob: join(out, "all_*.tfrecord") };
})();

async function collect(opts: DatasetOptions, epoch = 0, skipBatches = 0): Promise<Batch[]> {
  const ds = createDataset(opts);
  try {
    const out: Batch[] = [];
    for await (const b of ds.epoch(epoch, { skipBatches })) out.push(b);
    return out;
  } finally {
    await ds.close();
  }
}

const names = (bs: readonly Batch[]): string[] => bs.flatMap((b) => b.names);
const bytes = (bs: readonly Batch[]): Buffer[] =>
  bs.flatMap((b) => [...b.inputs.map((t) => Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength)), Buffer.from(b.labels.buffer, b.labels.byteOffset, b.labels.byteLength)]);

/** Every record of the shards, decoded independently of the dataset, by patch name. */
async function recordsByName(shards: readonly string[]): Promise<Map<string, Uint16Array[]>> {
  const m = new Map<string, Uint16Array[]>();
  for (const f of shards) for await (const r of readRecords(f, core)) {
    const p = core.decodePatch(r.data);
    m.set(p.patchName, p.bands);
  }
  return m;
}

test("shard globs expand sorted; a missing file or an empty glob is an OptionError naming it", async () => {
  const { shards, glob, out } = await fixture;
  assert.deepEqual(expandShards([glob]), shards);
  assert.deepEqual(expandShards([shards[2] as string, join(out, "all_0?.tfrecord")]), [shards[2], ...shards]);
  assert.throws(() => expandShards([join(out, "none_*.tfrecord")]), (e: unknown) => e instanceof OptionError && /none_\*.*matches no file/.test(e.message));
  assert.throws(() => expandShards([join(out, "missing.tfrecord")]), (e: unknown) => e instanceof OptionError && /missing\.tfrecord.*no such file/.test(e.message));
  assert.throws(() => createDataset({ files: glob, layout: "stack10", batchSize: 0 }), OptionError);
  assert.throws(() => createDataset({ files: glob, layout: "stack9" as LayoutName, batchSize: 4 }), /layout/);
});

test("same seed: byte-identical batches for 0, 1 and 2 workers (kbranch, shuffled); another seed changes the order", async () => {
  const { glob } = await fixture;
  const opts = { files: glob, layout: "kbranch" as const, batchSize: 8, seed: 5, shuffleBuffer: 20 };
  const runs = await Promise.all([0, 1, 2].map((workers) => collect({ ...opts, workers })));
  for (const r of runs.slice(1)) {
    assert.deepEqual(names(r), names(runs[0] as Batch[]));
    assert.deepEqual(bytes(r), bytes(runs[0] as Batch[]));
  }
  const other = await collect({ ...opts, seed: 6, workers: 2 });
  assert.notDeepEqual(names(other), names(runs[0] as Batch[]));
  assert.deepEqual([...names(other)].sort(), [...names(runs[0] as Batch[])].sort());
});

test("every record exactly once per epoch; each element equals buildInput() of its record and the archive's labels", async () => {
  const { s, shards, glob } = await fixture;
  const want = await recordsByName(shards);
  const batches = await collect({ files: glob, layout: "stack10", batchSize: 7, seed: 1, shuffleBuffer: 30, workers: 2 });
  const got = names(batches);
  assert.equal(got.length, PATCHES);
  assert.deepEqual([...got].sort(), [...s.patches].sort());
  assert.deepEqual(batches.map((b) => b.size), [...Array(12).fill(7), 6]);
  assert.deepEqual(batches.map((b) => b.index), [...Array(13).keys()]);
  for (const b of batches) {
    assert.deepEqual(b.inputs.map((t) => [t.name, t.shape]), [["input", [b.size, 120, 120, 10]]]);
    for (const [i, name] of b.names.entries()) {
      const [t] = buildInput(core, want.get(name) as Uint16Array[], { layout: "stack10" });
      const n = 120 * 120 * 10;
      assert.deepEqual((b.inputs[0] as Batch["inputs"][number]).data.subarray(i * n, (i + 1) * n), t?.data, name);
      const p = await readPatch(s.out, name);
      assert.deepEqual(Array.from(b.labels.subarray(i * 19, (i + 1) * 19)), Array.from(multiHot19(p.labels43 ?? [])), `labels of ${name}`);
    }
  }
});

test("shuffleBuffer 0 keeps file order; a buffer of B only moves a record to within B−1 places after where it was read", async () => {
  const { shards } = await fixture;
  const file = shards[0] as string;
  const order: string[] = [];
  for await (const r of readRecords(file, core)) order.push(core.decodePatch(r.data).patchName);
  const plain = await collect({ files: [file, shards[1] as string], layout: "kbranch", batchSize: 4, workers: 0 });
  const second: string[] = [];
  for await (const r of readRecords(shards[1] as string, core)) second.push(core.decodePatch(r.data).patchName);
  assert.deepEqual(names(plain), [...order, ...second]);
  for (const B of [2, 5]) {
    const got = names(await collect({ files: file, layout: "kbranch", batchSize: 4, workers: 0, shuffleBuffer: B, seed: 3 }));
    assert.deepEqual([...got].sort(), [...order].sort());
    assert.notDeepEqual(got, order);
    got.forEach((n, i) => assert.ok(order.indexOf(n) <= i + B - 1, `${n} at ${i}, read at ${order.indexOf(n)}, buffer ${B}`));
  }
});

test("skipBatches = k yields exactly the tail of the full epoch (pool and in-process); an early break is clean; epochs differ in order, not content", async () => {
  const { glob } = await fixture;
  const opts = { files: glob, layout: "stack12" as const, batchSize: 16, seed: 9, shuffleBuffer: 40 };
  const full = await collect({ ...opts, workers: 2 }, 3);
  for (const [workers, k] of [[2, 2], [0, 5], [1, 6]] as const) {
    const tail = await collect({ ...opts, workers }, 3, k);
    assert.deepEqual(names(tail), names(full.slice(k)));
    assert.deepEqual(bytes(tail), bytes(full.slice(k)));
    assert.deepEqual(tail.map((b) => b.index), full.slice(k).map((b) => b.index));
  }
  // Leaving an epoch early (a break) stops cleanly; the next epoch on the same dataset is complete.
  const ds = createDataset({ ...opts, workers: 2 });
  for await (const b of ds.epoch(3)) if (b.index === 1) break;
  const again: Batch[] = [];
  for await (const b of ds.epoch(3)) again.push(b);
  await ds.close();
  assert.deepEqual(bytes(again), bytes(full));
  const next = await collect({ ...opts, workers: 2 }, 4);
  assert.notDeepEqual(names(next), names(full));
  assert.deepEqual([...names(next)].sort(), [...names(full)].sort());
});

test("dropRemainder leaves out the short last batch; a batch larger than a worker piece is assembled in order", async () => {
  const { glob, shards } = await fixture;
  const kept = await collect({ files: glob, layout: "kbranch", batchSize: 25, workers: 1 });
  assert.deepEqual(kept.map((b) => b.size), [25, 25, 25, 15]);
  const dropped = await collect({ files: glob, layout: "kbranch", batchSize: 25, workers: 1, dropRemainder: true });
  assert.deepEqual(dropped.map((b) => b.size), [25, 25, 25]);
  assert.deepEqual(bytes(dropped), bytes(kept.slice(0, 3)));
  // 80 records → pieces of 40 + 40 on the pool; the in-process path decodes the same pieces.
  const opts = { files: glob, layout: "kbranch" as const, batchSize: 80, seed: 2, shuffleBuffer: 10 };
  const [big, inline] = await Promise.all([collect({ ...opts, workers: 2 }), collect({ ...opts, workers: 0 })]);
  assert.deepEqual(big.map((b) => b.size), [80, 10]);
  assert.deepEqual(bytes(big), bytes(inline as Batch[]));
  const want = await recordsByName(shards);
  const b0 = big[0] as Batch;
  for (const i of [0, 39, 40, 79]) {
    const ts = buildInput(core, want.get(b0.names[i] as string) as Uint16Array[], { layout: "kbranch" });
    ts.forEach((t, k) => assert.deepEqual(b0.inputs[k]?.data.subarray(i * t.data.length, (i + 1) * t.data.length), t.data, `${b0.names[i]} ${t.name}`));
  }
});

test("a corrupt shard gives CorruptRecordError naming the file and record: bad CRC (main thread), bad Example (worker), not when skipped", async () => {
  const { shards } = await fixture;
  const dir = tempDir();
  const crc = join(dir, "crc.tfrecord");
  const bytesOf = readFileSync(shards[1] as string);
  const frame = 8 + 4 + bytesOf.readUInt32LE(0) + 4;
  bytesOf[frame + 12 + 1000] = (bytesOf[frame + 12 + 1000] as number) ^ 0x40; // inside record 1's data
  writeFileSync(crc, bytesOf);
  const bad = join(dir, "example.tfrecord");
  const w = await TFRecordWriter.create(bad, core);
  for await (const r of readRecords(shards[0] as string, core)) {
    if (r.index === 15) w.write(new Uint8Array([0x0a, 0x03, 0x0a, 0x01, 0x41])); // a well-framed Example that is not a patch
    w.write(r.data);
  }
  w.close();
  const cases: [string, DatasetOptions, RegExp][] = [
    [crc, { files: [shards[0] as string, crc], layout: "stack10", batchSize: 4, workers: 2 }, /CRC/],
    [bad, { files: bad, layout: "kbranch", batchSize: 4, workers: 1 }, /.+/],
    [bad, { files: bad, layout: "kbranch", batchSize: 4, workers: 0 }, /.+/],
  ];
  for (const [file, opts, message] of cases) {
    const ds: Dataset = createDataset(opts);
    const seen: string[] = [];
    await assert.rejects(
      async () => {
        for await (const b of ds.epoch(0)) seen.push(...b.names);
      },
      (e: unknown) => {
        assert.ok(e instanceof CorruptRecordError, `${String(e)}`);
        assert.equal(e.place.file, file);
        assert.equal(e.place.record, file === crc ? 1 : 15);
        assert.match(e.message, message);
        return true;
      },
    );
    await ds.close();
    assert.ok(seen.length <= (file === crc ? 30 : 12), "batches before the bad record may come out, none after");
  }
  // Skipped batches are never decoded: starting after the batch that holds the bad record reads on without error.
  const after = await collect({ files: bad, layout: "kbranch", batchSize: 4, workers: 1 }, 0, 4);
  assert.equal(names(after).length, 31 - 16);
});

test("batchToTensors: NHWC float32 tensors in layout order and by name, labels [n, 19]", async () => {
  const { glob } = await fixture;
  await tf.setBackend("cpu");
  const [b] = await collect({ files: glob, layout: "kbranch", batchSize: 3, workers: 0 });
  const t = batchToTensors(tf, b as Batch);
  assert.deepEqual(t.inputs.map((x) => x.shape), [[3, 120, 120, 4], [3, 60, 60, 6], [3, 20, 20, 2]]);
  assert.equal(t.byName["20m"], t.inputs[1]);
  assert.deepEqual(t.labels.shape, [3, 19]);
  assert.deepEqual(t.inputs[2]?.dataSync(), b?.inputs[2]?.data);
  assert.deepEqual(t.labels.dataSync(), b?.labels);
  tf.dispose([...t.inputs, t.labels]);
});
