import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { gzipSync } from "node:zlib";
import { decodeWithGeotiff } from "../../src/archive/geotiff-fallback.js";
import { readPatch, readPatchDir } from "../../src/archive/patch.js";
import { BUNDLED_LISTS, BUNDLED_SPLITS, readSplit } from "../../src/archive/splits.js";
import { BAND_NAMES, BAND_SIDES } from "../../src/core/bands.js";
import { PatchError } from "../../src/core/errors.js";
import { labels43ToIndices, multiHot19, names19 } from "../../src/labels/convert.js";
import { LABELS_19, LABELS_43 } from "../../src/labels/nomenclature.js";
import { SYNTH_LAYOUTS } from "../../src/synth/index.js";
import { synthPatch } from "../../src/synth/patch.js";
import { writeTiff } from "../../src/synth/tiff-writer.js";
import { needGdal, needShared, SHARED_DIR } from "../helpers/env.js";
import { synthFixture, tempDir } from "../helpers/fixtures.js";

const REAL = (): string => join(SHARED_DIR, "real-v1");

test("43→19: every class maps as the FACTS table says", () => {
  const table: [number, number[]][] = [[0, [0, 1]], [1, [2]], [2, [11, 12, 13]], [3, [14, 15, 16, 18]], [4, [17]], [5, [19]], [6, [20]], [7, [21]], [8, [22]], [9, [23]], [10, [24]], [11, [25, 31]], [12, [26, 27]], [13, [28]], [14, [29]], [15, [33, 34]], [16, [35, 36]], [17, [38, 39]], [18, [40, 41, 42]]];
  for (let i = 0; i < 43; i++) {
    const hot = multiHot19([i]);
    const target = table.find(([, src]) => src.includes(i))?.[0];
    assert.deepEqual([...hot].map((v, k) => (v === 1 ? k : -1)).filter((k) => k >= 0), target === undefined ? [] : [target], `43-class ${i}`);
  }
  assert.deepEqual(names19(multiHot19(labels43ToIndices(["Transitional woodland/shrub", "Peatbogs", "Inland marshes"]))), ["Transitional woodland, shrub", "Inland wetlands"]);
  assert.equal(LABELS_19.length, 19);
  assert.equal(LABELS_43.length, 43);
  assert.throws(() => labels43ToIndices(["Transitional woodland, shrub"], { patch: "p" }), (e: unknown) => e instanceof PatchError && e.code === "E_UNKNOWN_LABEL");
});

test("split CSVs: first column, CRLF and whitespace stripped, empty lines skipped, .gz read, name up to the first dot", async () => {
  const dir = tempDir();
  const text = "a_1 \r\n\r\n  b_2,extra\r\nc_3";
  writeFileSync(join(dir, "train.csv"), text);
  writeFileSync(join(dir, "val.v2.csv.gz"), gzipSync(text));
  for (const f of ["train.csv", "val.v2.csv.gz"]) {
    const s = await readSplit(join(dir, f));
    assert.deepEqual(s.patches, ["a_1", "b_2", "c_3"]);
    assert.equal(s.name, f.split(".")[0]);
  }
});

test("the bundled official splits have the official counts and equal ../shared", async (t) => {
  const counts = { train: 269695, val: 123723, test: 125866 };
  for (const [k, n] of Object.entries(counts)) assert.equal((await readSplit(BUNDLED_SPLITS[k as keyof typeof counts])).patches.length, n);
  assert.equal((await readSplit(BUNDLED_LISTS.snow)).patches.length, 61707);
  assert.equal((await readSplit(BUNDLED_LISTS.cloud)).patches.length, 9280);
  assert.equal((await readSplit(BUNDLED_LISTS.no19)).patches.length, 57);
  if (!needShared(t)) return;
  assert.deepEqual((await readSplit(BUNDLED_SPLITS.val)).patches, (await readSplit(join(SHARED_DIR, "splits", "val.csv"))).patches);
});

test("the 6 real patches read to exactly what GDAL reports", async (t) => {
  if (!needShared(t) || !needGdal(t)) return;
  const dir = tempDir();
  for (const name of readdirSync(REAL())) {
    const p = await readPatch(REAL(), name);
    for (const [b, band] of BAND_NAMES.entries()) {
      const raw = join(dir, `${band}.raw`);
      const r = spawnSync("gdal_translate", ["-q", "-of", "ENVI", join(REAL(), name, `${name}_${band}.tif`), raw]);
      assert.equal(r.status, 0, String(r.stderr));
      const buf = readFileSync(raw);
      const gdal = new Uint16Array(buf.buffer, buf.byteOffset, buf.length / 2);
      assert.deepEqual(p.bands[b], gdal, `${name} ${band}`);
    }
    assert.ok((p.labels43 ?? []).length > 0);
  }
});

test("every layout: the fast path (or fallback) equals geotiff.js and the generated pixels; GDAL accepts the files", async (t) => {
  const gdal = needGdal(t);
  for (const layout of SYNTH_LAYOUTS) {
    const s = await synthFixture(6, 5, layout);
    for (const [i, name] of s.patches.entries()) {
      const want = synthPatch(5, i);
      const p = await readPatch(s.out, name);
      for (const [b, band] of BAND_NAMES.entries()) {
        assert.deepEqual(p.bands[b], want.bands[b], `${layout} ${name} ${band}`);
        const file = join(s.out, name, `${name}_${band}.tif`);
        assert.deepEqual(await decodeWithGeotiff(readFileSync(file), { patch: name, file }), want.bands[b], `geotiff.js ${layout} ${band}`);
        if (gdal && b === 1 && i < 2) {
          const r = spawnSync("gdalinfo", ["-checksum", file], { encoding: "utf8" });
          assert.equal(r.status, 0, r.stderr);
          assert.match(r.stdout, /Checksum=\d+/);
          assert.doesNotMatch(r.stderr, /ERROR/);
          assert.match(r.stdout, /UTM zone 3[0-6]N|EPSG","326\d\d"/);
        }
      }
    }
  }
});

test("the same seed gives the same pixels and labels whatever the layout", async () => {
  const a = await synthFixture(6, 5, "default");
  const b = await synthFixture(6, 5, "bigtiff");
  assert.deepEqual(a.patches, b.patches);
  for (const n of a.patches) {
    const [pa, pb] = [await readPatch(a.out, n), await readPatch(b.out, n)];
    assert.deepEqual(pa.bands, pb.bands);
    assert.deepEqual(pa.metadata, pb.metadata);
  }
  assert.match(a.patches.join(" "), /^(S2[AB]_MSIL2A_20(17|18)\d{4}T\d{5,6}_\d{1,2}_\d{1,2} ?)+$/);
});

/** Replaces one band file of a copy of a synth patch, and returns the PatchError reading it gives. */
async function readBroken(band: number, bytes: Uint8Array): Promise<PatchError> {
  const s = await synthFixture(6);
  const name = s.patches[0] as string;
  const dir = join(tempDir(), name);
  cpSync(join(s.out, name), dir, { recursive: true });
  writeFileSync(join(dir, `${name}_${BAND_NAMES[band]}.tif`), bytes);
  try {
    await readPatchDir(dir);
  } catch (e) {
    assert.ok(e instanceof PatchError);
    assert.equal(e.place.patch, name);
    assert.match(e.place.file ?? "", new RegExp(`_${BAND_NAMES[band]}\\.tif$`));
    return e;
  }
  assert.fail("reading the broken patch succeeded");
}

test("wrong size, sample type and band count give their own errors, naming expected and found", async () => {
  const geo = { ulx: 0, uly: 0, pixelSize: 10, epsg: 32633 };
  const wrongSize = await readBroken(1, writeTiff(new Uint16Array(60 * 60), 60, "default", geo));
  assert.equal(wrongSize.code, "E_BAD_SIZE");
  assert.match(wrongSize.message, /expected 120×120 pixels, found 60×60/);
  // Patch the BitsPerSample (258) of a valid file to 8 and SamplesPerPixel (277) to 3.
  const base = writeTiff(new Uint16Array(120 * 120), BAND_SIDES[1] as number, "default", geo);
  const patchTag = (tag: number, value: number): Uint8Array => {
    const out = Uint8Array.from(base);
    const dv = new DataView(out.buffer);
    const ifd = dv.getUint32(4, true);
    for (let e = 0; e < dv.getUint16(ifd, true); e++) {
      const at = ifd + 2 + e * 12;
      if (dv.getUint16(at, true) === tag) dv.setUint16(at + 8, value, true);
    }
    return out;
  };
  const sample = await readBroken(1, patchTag(258, 8));
  assert.equal(sample.code, "E_SAMPLE_TYPE");
  assert.match(sample.message, /expected UInt16 samples, found UInt8/);
  const bands = await readBroken(1, patchTag(277, 3));
  assert.equal(bands.code, "E_BAND_COUNT");
  assert.match(bands.message, /expected 1 band, found 3/);
});
