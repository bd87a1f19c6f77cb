// The mm input layout and the reference-mask option on MM records written by an independent encoder: VV/VH
// channels against (x − mean) / std computed here from the reference's S1 statistics, the S2 channels against the
// stack10 layout of the same record, the mask against known answers of the 43→19 table; through the worker pool.
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { S1_PIXELS } from "../../src/core/constants.js";
import { createDataset } from "../../src/dataset/dataset.js";
import type { Batch } from "../../src/dataset/batch.js";
import { clcTo19 } from "../../src/labels/clc.js";
import { createCore } from "../../src/wasm/core.js";
import { encodeMm } from "../helpers/example-proto.js";
import { tempDir } from "../helpers/fixtures.js";
import { mmPatch, writeMmShard } from "../helpers/mm-records.js";

// V2-AND-S1.md, written out here rather than imported, so that a wrong constant in src/ cannot pass.
const VV = { mean: -12.619993741972035, std: 5.115911777546365 };
const VH = { mean: -19.29044597721542, std: 5.464428464912864 };

async function firstBatch(o: Parameters<typeof createDataset>[0]): Promise<Batch> {
  const ds = createDataset(o);
  try {
    for await (const b of ds.epoch(0)) return b;
    throw new Error("no batch");
  } finally {
    await ds.close();
  }
}

test("mm layout: 10 stack10 channels then VV, VH z-scored with the reference's S1 statistics (pool and in-process)", async () => {
  const dir = tempDir("mm-layout");
  const file = join(dir, "mm.tfrecord");
  const patches = [mmPatch(0), mmPatch(1), mmPatch(2)];
  await writeMmShard(file, patches);
  for (const workers of [0, 1]) {
    const mm = await firstBatch({ files: file, layout: "mm", batchSize: 3, workers });
    const s2 = await firstBatch({ files: file, layout: "stack10", batchSize: 3, workers });
    assert.deepEqual(mm.inputs[0]?.shape, [3, 120, 120, 12]);
    assert.deepEqual(mm.names, patches.map((p) => p.patchName));
    const got = mm.inputs[0]?.data as Float32Array;
    const ref = s2.inputs[0]?.data as Float32Array;
    patches.forEach((p, n) => {
      for (let i = 0; i < S1_PIXELS; i++) {
        const at = (n * S1_PIXELS + i) * 12;
        for (let c = 0; c < 10; c++) if (got[at + c] !== ref[(n * S1_PIXELS + i) * 10 + c]) assert.fail(`patch ${n} pixel ${i} channel ${c}`);
        if (got[at + 10] !== Math.fround(((p.vv[i] as number) - VV.mean) / VV.std)) assert.fail(`VV of patch ${n} pixel ${i}: ${got[at + 10]}`);
        if (got[at + 11] !== Math.fround(((p.vh[i] as number) - VH.mean) / VH.std)) assert.fail(`VH of patch ${n} pixel ${i}: ${got[at + 11]}`);
      }
      assert.deepEqual(Array.from(mm.labels.subarray(n * 19, n * 19 + 19)), p.multiHot);
    });
  }
});

test("the core decodes an MM record's names, VV/VH and reference map exactly; S2 records are not MM", async () => {
  const core = await createCore();
  const map = Uint16Array.from({ length: S1_PIXELS }, (_, i) => [211, 231, 311, 313][i % 4] as number);
  const p = mmPatch(5, map);
  const d = core.decodePatch(encodeMm(p));
  assert.equal(d.patchName, p.patchName);
  assert.equal(d.patchNameS1, p.s1Name);
  assert.equal(d.hasS1, true);
  assert.deepEqual(d.s1?.vv, p.vv);
  assert.deepEqual(d.s1?.vh, p.vh);
  assert.deepEqual(d.referenceMap, map);
  assert.deepEqual(d.bands, p.bands);
  const s2 = core.decodePatch(core.encodeExample(p));
  assert.equal(s2.hasS1, false);
  assert.equal(s2.referenceMap, undefined);
  // The mm layout of an S2 record is a named error, not zeros or the previous record's S1 values.
  assert.throws(() => core.layoutInto([{ band: 12, mean: VV.mean, std: VV.std }], 120, "tf1-bicubic", new Float32Array(S1_PIXELS), 0),
    (e: Error & { code?: string }) => e.code === "E_MISSING_FEATURE" && /VV/.test(e.message) && /mm layout/.test(e.message));
  // VV with the wrong number of values is a damaged record.
  const short = { ...p, vv: p.vv.subarray(0, 100) };
  assert.throws(() => core.decodePatch(encodeMm(short)), (e: Error & { code?: string }) => e.code === "E_BAD_FEATURE" && /VV/.test(e.message));
});

test("referenceMasks: CLC codes → 19-class indices per pixel (known answers), 255 for unmapped codes and NoData", async () => {
  // code → expected class (FACTS.md's 43→19 table over V2-AND-S1.md's code order).
  const known: [number, number][] = [
    [111, 0], [112, 0], [121, 1], [211, 2], [212, 2], [213, 2], [221, 3], [222, 3], [223, 3], [241, 3], [231, 4],
    [242, 5], [243, 6], [244, 7], [311, 8], [312, 9], [313, 10], [321, 11], [333, 11], [322, 12], [323, 12],
    [324, 13], [331, 14], [411, 15], [412, 15], [421, 16], [422, 16], [511, 17], [512, 17], [521, 18], [522, 18], [523, 18],
    // Road and rail, port, airport, mines, dump, construction, green urban, sport, bare rock, burnt, intertidal flats:
    [122, 255], [123, 255], [124, 255], [131, 255], [132, 255], [133, 255], [141, 255], [142, 255], [332, 255], [334, 255], [423, 255],
    // NoData and codes that are no CLC level-3 code.
    [0, 255], [1, 255], [210, 255], [999, 255], [65535, 255],
  ];
  for (const [code, want] of known) assert.equal(clcTo19(code), want, `code ${code}`);
  const maps = [0, 1].map((k) => Uint16Array.from({ length: S1_PIXELS }, (_, i) => (known[(i + k * 7) % known.length] as [number, number])[0]));
  const dir = tempDir("mm-mask");
  const file = join(dir, "maps.tfrecord");
  await writeMmShard(file, maps.map((m, k) => mmPatch(k, m)));
  const b = await firstBatch({ files: file, layout: "stack10", batchSize: 2, workers: 1, referenceMasks: true });
  assert.equal(b.masks?.length, 2 * S1_PIXELS);
  for (let k = 0; k < 2; k++) {
    for (let i = 0; i < S1_PIXELS; i++) {
      const want = (known[(i + k * 7) % known.length] as [number, number])[1];
      if (b.masks?.[k * S1_PIXELS + i] !== want) assert.fail(`mask ${k} pixel ${i}: ${b.masks?.[k * S1_PIXELS + i]}, expected ${want}`);
    }
  }
  // Records without a reference map: a named error naming the shard and record.
  const plain = join(dir, "plain.tfrecord");
  await writeMmShard(plain, [mmPatch(3)]);
  await assert.rejects(firstBatch({ files: plain, layout: "stack10", batchSize: 1, workers: 0, referenceMasks: true }),
    (e: Error & { code?: string; place?: { file?: string } }) => e.code === "E_NO_REFERENCE_MAP" && e.place?.file === plain);
});
