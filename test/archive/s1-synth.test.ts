// synth's Sentinel-1 patches and reference maps: what the readers get back is what synth drew, in every layout;
// GDAL reads the same values; labels, partners, MM CSVs and reference-map codes agree with the S2 side; and the
// real reBEN reference map reads to exactly GDAL's values.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { dirSource, readPatch } from "../../src/archive/patch.js";
import { readReferenceMap, referenceMapFileName } from "../../src/archive/reference-map.js";
import { readS1Dir, s1BandFileName, v2S1PatchDir } from "../../src/archive/s1.js";
import { readSplit } from "../../src/archive/splits.js";
import { tileOf } from "../../src/archive/v2/layout.js";
import { LABELS_19, TARGET_19 } from "../../src/labels/nomenclature.js";
import { SYNTH_LAYOUTS, synthArchive } from "../../src/synth/index.js";
import { synthPatch } from "../../src/synth/patch.js";
import { s1NameOf, synthReferenceMap, synthS1Bands } from "../../src/synth/s1.js";
import { synthArchiveV2 } from "../../src/synth/v2.js";
import { CLC_CODES_43 } from "../../src/tfrecord/mm-schema.js";
import { needGdal, needShared, SHARED_DIR } from "../helpers/env.js";
import { tempDir } from "../helpers/fixtures.js";

/** GDAL's raw band-1 bytes of `file`. */
function gdalRaw(file: string, dir: string): Buffer {
  const raw = join(dir, "gdal.raw");
  const r = spawnSync("gdal_translate", ["-q", "-of", "ENVI", file, raw]);
  assert.equal(r.status, 0, String(r.stderr));
  return readFileSync(raw);
}
const bytesOf = (a: Float32Array | Uint16Array): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

test("synth v1 --s1: S1 patches read back exactly in every layout, labels and partners match, MM CSVs pair them", async (t) => {
  const gdal = needGdal(t);
  const dir = tempDir();
  const s2 = join(dir, "s2");
  const s1 = join(dir, "s1");
  // 14 patches in the mixed layout draw every layout; seed 4 also draws a snow patch and a no-19-label one.
  const s = await synthArchive({ out: s2, s1, patches: 14, seed: 4, layout: "mixed" });
  const mm = s.mm;
  assert.ok(mm !== undefined);
  const seen = new Set<string>();
  for (const [i, name] of s.patches.entries()) {
    const p = synthPatch(4, i);
    const s1Name = s1NameOf(p);
    const got = await readS1Dir(join(s1, s1Name), s1Name, { labels: true });
    const want = synthS1Bands(4, i, p);
    assert.deepEqual(bytesOf(got.vv), bytesOf(want.vv), `${s1Name} VV`);
    assert.deepEqual(bytesOf(got.vh), bytesOf(want.vh), `${s1Name} VH`);
    assert.equal(got.metadata?.corresponding_s2_patch, name);
    assert.deepEqual(got.labels43, (await readPatch(s2, name)).labels43);
    const info = gdal ? spawnSync("gdalinfo", [join(s1, s1Name, s1BandFileName(s1Name, "VV"))], { encoding: "utf8" }).stdout : "";
    const layout = `${/COMPRESSION=\w+/.exec(info)?.[0] ?? "none"} ${/Block=\S+/.exec(info)?.[0] ?? ""}`;
    if (gdal && !seen.has(layout)) {
      seen.add(layout);
      assert.deepEqual(gdalRaw(join(s1, s1Name, s1BandFileName(s1Name, "VH")), dir), bytesOf(want.vh), `GDAL ${s1Name}`);
    }
  }
  assert.ok(!gdal || seen.size >= 3, `only ${seen.size} distinct layouts drawn`);
  for (const split of ["train", "val", "test"] as const) {
    const pairs: string[] = readFileSync(mm.splits[split], "utf8").split("\r\n").filter((l) => l !== "");
    assert.deepEqual(pairs.map((l) => l.split(",")[0]), (await readSplit(s.splits[split])).patches);
    for (const l of pairs) {
      const [s2Name, s1Name] = l.split(",") as [string, string];
      const i = s.patches.indexOf(s2Name);
      assert.equal(s1Name, s1NameOf(synthPatch(4, i)));
    }
  }
});

test("synth v2 --s1 --reference-maps: S1 under each row's s1_name, maps hold exactly the labels' CLC codes", async (t) => {
  const gdal = needGdal(t);
  const dir = tempDir();
  const s1 = join(dir, "BigEarthNet-S1");
  const maps = join(dir, "Reference_Maps");
  const s = await synthArchiveV2({ out: dir, s1, referenceMaps: maps, patches: 10, seed: 9, layout: "deflate" });
  const rows = [...s.rows, ...s.snowCloudRows];
  assert.ok(rows.length >= 8);
  for (const row of rows) {
    const i = Array.from({ length: 10 }, (_, k) => k).find((k) => synthPatch(9, k).name === row.s2v1_name) as number;
    const p = synthPatch(9, i);
    const got = await readS1Dir(v2S1PatchDir(s1, row.s1_name), row.s1_name);
    assert.deepEqual(bytesOf(got.vv), bytesOf(synthS1Bands(9, i, p).vv));
    const map = await readReferenceMap(dirSource(join(maps, tileOf(row.patch_id), row.patch_id), row.patch_id));
    assert.deepEqual(map, synthReferenceMap(p));
    // The map's codes are the patch's 43-class labels' codes, and map to exactly the row's 19-class labels.
    const codes = [...new Set(map)].sort((a, b) => a - b);
    assert.deepEqual(codes, p.labels43.map((l) => CLC_CODES_43[l]));
    const labels19 = new Set(codes.map((c) => TARGET_19[CLC_CODES_43.indexOf(c)] as number).filter((k) => k >= 0));
    assert.deepEqual([...labels19].map((k) => LABELS_19[k]).sort(), [...row.labels].sort());
    if (gdal && row === rows[0]) {
      const file = join(maps, tileOf(row.patch_id), row.patch_id, referenceMapFileName(row.patch_id));
      assert.deepEqual(gdalRaw(file, dir), bytesOf(map));
      assert.match(spawnSync("gdalinfo", [file], { encoding: "utf8" }).stdout, /NoData Value=0[^]*|COMPRESSION=DEFLATE/);
    }
  }
  assert.ok(SYNTH_LAYOUTS.includes("deflate"));
});

test("the real reBEN reference map reads to exactly GDAL's values: codes 211, 231, 311, 313", async (t) => {
  if (!needShared(t) || !needGdal(t)) return;
  const name = "S2A_MSIL2A_20170613T101031_N9999_R022_T33UUP_26_57";
  const folder = join(SHARED_DIR, "real-v2", "Reference_Maps", tileOf(name), name);
  const map = await readReferenceMap(dirSource(folder, name));
  assert.deepEqual(bytesOf(map), gdalRaw(join(folder, referenceMapFileName(name)), tempDir()));
  assert.deepEqual([...new Set(map)].sort((a, b) => a - b), [211, 231, 311, 313]);
});
