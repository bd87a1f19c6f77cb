// Sentinel-1 reading: the 6 real v1 S1 patches and the real reBEN S1 patch read to exactly GDAL's float32 values,
// through every layout GDAL writes (re-encoded with gdal_translate), in a worker thread as prep's pool runs it, and
// bad files fail with named errors.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { readS1Dir, s1TileOf, v2S1PatchDir } from "../../src/archive/s1.js";
import { PatchError } from "../../src/core/errors.js";
import { needGdal, needShared, SHARED_DIR } from "../helpers/env.js";
import { tempDir } from "../helpers/fixtures.js";
import { inWorker, type WorkerError } from "../helpers/in-worker.js";

const REAL_S1 = (): string => join(SHARED_DIR, "real-v1-s1");
const REAL_V2_S1 = (): string => join(SHARED_DIR, "real-v2", "BigEarthNet-S1");
const V2_NAME = "S1A_IW_GRDH_1SDV_20170613T165043_33UUP_70_48";
const S1_MODULE = new URL("../../src/archive/s1.ts", import.meta.url);

/** GDAL's float32 values of band 1 of `file` (raw ENVI output, little-endian on this host). */
function gdalFloats(file: string, dir: string): Float32Array {
  const raw = join(dir, "gdal.raw");
  const r = spawnSync("gdal_translate", ["-q", "-of", "ENVI", file, raw]);
  assert.equal(r.status, 0, String(r.stderr));
  const buf = readFileSync(raw);
  return new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length));
}

/** Bitwise equality (NaN-safe, -0 ≠ 0), naming the first differing value. */
function sameBits(a: Float32Array, b: Float32Array, what: string): void {
  assert.equal(a.length, b.length, what);
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  const i = x.findIndex((v, k) => v !== y[k]);
  assert.equal(i, -1, `${what}: value ${i} is ${a[i]}, GDAL says ${b[i]}`);
}

test("the 6 real v1 S1 patches read to exactly GDAL's float32 values, with their JSON", async (t) => {
  if (!needShared(t) || !needGdal(t)) return;
  const dir = tempDir();
  const names = readdirSync(REAL_S1());
  assert.equal(names.length, 6);
  for (const name of names) {
    const p = await readS1Dir(join(REAL_S1(), name), name, { labels: true });
    sameBits(p.vv, gdalFloats(join(REAL_S1(), name, `${name}_VV.tif`), dir), `${name} VV`);
    sameBits(p.vh, gdalFloats(join(REAL_S1(), name, `${name}_VH.tif`), dir), `${name} VH`);
    assert.ok((p.labels43 ?? []).length > 0);
    assert.match(p.metadata?.corresponding_s2_patch ?? "", /^S2[AB]_MSIL2A_/);
    // Backscatter in dB: finite and mostly negative.
    assert.ok(p.vv.every(Number.isFinite) && p.vv.filter((v) => v < 0).length > p.vv.length / 2);
  }
});

test("the real reBEN S1 patch reads from its tile folder (v2 naming)", async (t) => {
  if (!needShared(t) || !needGdal(t)) return;
  assert.equal(s1TileOf(V2_NAME), "S1A_IW_GRDH_1SDV_20170613T165043");
  const folder = v2S1PatchDir(REAL_V2_S1(), V2_NAME);
  const p = await readS1Dir(folder, V2_NAME);
  const dir = tempDir();
  sameBits(p.vv, gdalFloats(join(folder, `${V2_NAME}_VV.tif`), dir), "VV");
  sameBits(p.vh, gdalFloats(join(folder, `${V2_NAME}_VH.tif`), dir), "VH");
  assert.equal(p.metadata, undefined);
});

// Every layout gdal_translate writes for floats: the fast path's codecs and predictors, tiles, byte orders.
const LAYOUTS: Record<string, string[]> = {
  tiled: ["-co", "TILED=YES", "-co", "BLOCKXSIZE=32", "-co", "BLOCKYSIZE=48"],
  deflate: ["-co", "COMPRESS=DEFLATE"],
  "deflate-pred2": ["-co", "COMPRESS=DEFLATE", "-co", "PREDICTOR=2"],
  "deflate-pred3": ["-co", "COMPRESS=DEFLATE", "-co", "PREDICTOR=3"],
  "lzw-pred3-tiled": ["-co", "COMPRESS=LZW", "-co", "PREDICTOR=3", "-co", "TILED=YES", "-co", "BLOCKXSIZE=16", "-co", "BLOCKYSIZE=16"],
  packbits: ["-co", "COMPRESS=PACKBITS"],
  "big-endian-pred2": ["-co", "ENDIANNESS=BIG", "-co", "COMPRESS=LZW", "-co", "PREDICTOR=2"],
  "big-endian-pred3": ["-co", "ENDIANNESS=BIG", "-co", "COMPRESS=DEFLATE", "-co", "PREDICTOR=3"],
  bigtiff: ["-co", "BIGTIFF=YES", "-co", "ENDIANNESS=BIG"],
};

test("S1 bands re-encoded in every GDAL layout read to the same floats, also in a worker thread", async (t) => {
  if (!needShared(t) || !needGdal(t)) return;
  const name = readdirSync(REAL_S1())[0] as string;
  const truth = await readS1Dir(join(REAL_S1(), name), name);
  const dir = tempDir();
  for (const [layout, co] of Object.entries(LAYOUTS)) {
    const folder = join(dir, layout, name);
    mkdirSync(folder, { recursive: true });
    for (const band of ["VV", "VH"]) {
      const r = spawnSync("gdal_translate", ["-q", ...co, join(REAL_S1(), name, `${name}_${band}.tif`), join(folder, `${name}_${band}.tif`)]);
      assert.equal(r.status, 0, `${layout}: ${String(r.stderr)}`);
    }
    const p = await readS1Dir(folder, name);
    sameBits(p.vv, truth.vv, `${layout} VV`);
    sameBits(p.vh, truth.vh, `${layout} VH`);
  }
  // In a worker thread (prep's pool): the DEFLATE + floating-point predictor layout and a big-endian one.
  for (const layout of ["deflate-pred3", "big-endian-pred2"]) {
    const p = await inWorker<{ vv: Float32Array; vh: Float32Array }>(S1_MODULE, "readS1Dir", [join(dir, layout, name), name]);
    sameBits(p.vv, truth.vv, `worker ${layout} VV`);
    sameBits(p.vh, truth.vh, `worker ${layout} VH`);
  }
});

test("bad S1 files fail with named errors", async (t) => {
  if (!needShared(t)) return;
  const name = readdirSync(REAL_S1())[0] as string;
  const dir = join(tempDir(), name);
  cpSync(join(REAL_S1(), name), dir, { recursive: true });
  const expectCode = async (code: string, opts = {}): Promise<void> => {
    await assert.rejects(readS1Dir(dir, name, opts), (e: unknown) => e instanceof PatchError && e.code === code);
  };
  // A UInt16 band where Float32 is expected: an S2 band file under the VH name.
  const s2 = join(SHARED_DIR, "real-v1", readdirSync(join(SHARED_DIR, "real-v1"))[0] as string);
  const b02 = readdirSync(s2).find((f) => f.endsWith("_B02.tif")) as string;
  writeFileSync(join(dir, `${name}_VH.tif`), readFileSync(join(s2, b02)));
  await expectCode("E_SAMPLE_TYPE");
  writeFileSync(join(dir, `${name}_VH.tif`), readFileSync(join(REAL_S1(), name, `${name}_VH.tif`)).subarray(0, 5000));
  await expectCode("E_TRUNCATED");
  writeFileSync(join(dir, `${name}_VH.tif`), "");
  await expectCode("E_EMPTY_FILE");
  cpSync(join(REAL_S1(), name, `${name}_VH.tif`), join(dir, `${name}_VH.tif`));
  writeFileSync(join(dir, `${name}_labels_metadata.json`), '{"labels": ["Not a class"]}');
  await expectCode("E_UNKNOWN_LABEL", { labels: true });
  writeFileSync(join(dir, `${name}_labels_metadata.json`), '{"labels": [], "corresponding_s2_patch": 7}');
  await expectCode("E_BAD_JSON", { labels: true });
  await assert.rejects(inWorker(S1_MODULE, "readS1Dir", [join(dir, "..", "nope"), "nope"]), (e: WorkerError) => e.code === "E_MISSING_FOLDER");
});
