// Every GeoTIFF layout through the path users run: `ben19 synth --layout L`, then `ben19 prep` through the worker
// pool (1 and 2 workers) and `ben19 verify -r`; the shards must be the default layout's bytes. Also tarballs of a
// compressed archive, real patches re-compressed by GDAL (golden bytes), readers inside a worker thread, and a
// decompression bomb.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { cpSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { constants, deflateRawSync, gzipSync } from "node:zlib";
import type { PatchData } from "../../src/archive/patch.js";
import { BAND_NAMES } from "../../src/core/bands.js";
import { SYNTH_LAYOUTS } from "../../src/synth/index.js";
import { synthPatch } from "../../src/synth/patch.js";
import { needGdal, needShared, PROJECT_ROOT, SHARED_DIR } from "../helpers/env.js";
import { tempDir } from "../helpers/fixtures.js";
import { inWorker, type WorkerError } from "../helpers/in-worker.js";
import { patchEntries, writeTar } from "../helpers/tar.js";
import { ok } from "../helpers/cli.js";

const SEED = 23;
const PATCHES = 10;
const PATCH_MODULE = new URL("../../src/archive/patch.ts", import.meta.url);

/** Runs the CLI in this process (prep still runs its worker pool); fails the test with stderr on a non-zero exit. */
const archives = new Map<string, Promise<string>>();
/** `ben19 synth --layout` of PATCHES patches of SEED, once per layout. */
function synth(layout: string): Promise<string> {
  let p = archives.get(layout);
  if (p === undefined) {
    const out = join(tempDir(), layout);
    p = ok(["synth", "-o", out, "--patches", String(PATCHES), "--seed", String(SEED), "--layout", layout, "--quiet"]).then(() => out);
    archives.set(layout, p);
  }
  return p;
}

const splitCsvs = (root: string): string[] => ["train", "val", "test"].map((s) => join(root, "splits", `${s}.csv`));

/** prep through the CLI into a fresh folder; returns it. */
async function prepCli(root: string, workers: number, csvs = splitCsvs(root), extra: string[] = []): Promise<string> {
  const out = tempDir();
  await ok(["prep", "-r", root, "-o", out, "-n", ...csvs, "--workers", String(workers), "--shards", "2", "--quiet", ...extra]);
  return out;
}

function shards(out: string): Map<string, Buffer> {
  const files = readdirSync(out).filter((f) => f.endsWith(".tfrecord")).sort();
  return new Map(files.map((f) => [f, readFileSync(join(out, f))]));
}

function assertSameShards(got: string, want: string, what: string): void {
  const a = shards(got);
  const b = shards(want);
  assert.deepEqual([...a.keys()], [...b.keys()], what);
  assert.ok(b.size > 0, "the reference run wrote shards");
  for (const [f, bytes] of b) assert.ok((a.get(f) as Buffer).equals(bytes), `${what}: ${f} differs from the default layout's`);
}

let reference: Promise<string> | undefined;
const defaultRun = async (): Promise<string> => prepCli(await synth("default"), 1);

for (const layout of SYNTH_LAYOUTS) {
  test(`synth --layout ${layout}: prep with 1 and 2 workers writes the default layout's bytes; verify -r passes`, async () => {
    const want = await (reference ??= defaultRun());
    const root = await synth(layout);
    for (const workers of [1, 2]) {
      const out = await prepCli(root, workers);
      assertSameShards(out, want, `${layout}, ${workers} worker(s)`);
      const report = JSON.parse(await ok(["verify", out, "-r", root, "--json", "--quiet"])) as { problems: unknown[] };
      assert.deepEqual(report.problems, [], `verify -r on ${layout}`);
    }
  });
}

test("readPatch inside a worker thread: every layout decodes to the generated pixels", async () => {
  for (const layout of SYNTH_LAYOUTS) {
    const root = await synth(layout);
    for (const i of [0, 1]) {
      const want = synthPatch(SEED, i);
      const got = await inWorker<PatchData>(PATCH_MODULE, "readPatch", [root, want.name]);
      for (const [b, band] of BAND_NAMES.entries()) assert.deepEqual(got.bands[b], want.bands[b], `${layout} ${want.name} ${band}`);
    }
  }
});

for (const ext of ["tar", "tar.gz"] as const) {
  test(`a .${ext} of a DEFLATE archive preps through the CLI to the default layout's bytes`, async () => {
    const want = await (reference ??= defaultRun());
    const root = await synth("deflate");
    // Patches in the order of the CSVs, so that a .tar.gz's archive order is the CSV order too.
    const names = splitCsvs(root).flatMap((f) => readFileSync(f, "utf8").split("\r\n").filter((n) => n !== ""));
    const tar = writeTar(patchEntries(root, names));
    const file = join(tempDir(), `archive.${ext}`);
    writeFileSync(file, ext === "tar" ? tar : gzipSync(tar));
    assertSameShards(await prepCli(file, 2, splitCsvs(root)), want, `.${ext}`);
  });
}

/** GDAL creation options per real patch: every codec, the predictor, tiles, big-endian, BigTIFF, and ZSTD. */
const GDAL_VARIANTS: readonly string[][] = [
  ["COMPRESS=DEFLATE"],
  ["COMPRESS=LZW", "PREDICTOR=2"],
  ["COMPRESS=DEFLATE", "PREDICTOR=2", "TILED=YES", "BLOCKXSIZE=16", "BLOCKYSIZE=16"],
  ["COMPRESS=LZW", "TILED=YES", "BIGTIFF=YES"],
  ["COMPRESS=PACKBITS", "ENDIANNESS=BIG"],
  ["COMPRESS=ZSTD", "PREDICTOR=2"], // not decoded by ben19 itself: geotiff.js's fallback, in the pool's workers
];

test("real v1 patches re-compressed by gdal_translate (DEFLATE, LZW, PREDICTOR=2, TILED, ...) give the golden bytes", async (t) => {
  if (!needShared(t) || !needGdal(t)) return;
  const root = join(tempDir(), "real-v1");
  cpSync(join(SHARED_DIR, "real-v1"), root, { recursive: true });
  const csv = join(SHARED_DIR, "golden", "real-v1.csv");
  const names = readFileSync(csv, "utf8").split(/\r?\n/).filter((n) => n !== "");
  names.forEach((name, i) => {
    const co = (GDAL_VARIANTS[i % GDAL_VARIANTS.length] as string[]).flatMap((o) => ["-co", o]);
    for (const band of BAND_NAMES) {
      const file = join(root, name, `${name}_${band}.tif`);
      const r = spawnSync("gdal_translate", ["-q", "-of", "GTiff", ...co, join(SHARED_DIR, "real-v1", name, `${name}_${band}.tif`), file], { encoding: "utf8" });
      assert.equal(r.status, 0, r.stderr);
    }
  });
  const out = tempDir();
  await ok(["prep", "-r", root, "-o", out, "-n", csv, "--workers", "2", "--quiet"]);
  assert.ok(readFileSync(join(out, "real-v1.tfrecord")).equals(readFileSync(join(SHARED_DIR, "golden", "real-v1.tfrecord"))));
});

/** A classic little-endian TIFF of one side×side UInt16 band stored as a single DEFLATE strip `strip`. */
function oneStripTiff(side: number, strip: Uint8Array): Uint8Array {
  const entries: [number, number, number][] = [
    [256, 3, side],
    [257, 3, side],
    [258, 3, 16],
    [259, 3, 8],
    [262, 3, 1],
    [273, 4, 8],
    [277, 3, 1],
    [278, 3, side],
    [279, 4, strip.length],
  ];
  const ifd = 8 + strip.length + (strip.length % 2);
  const out = new Uint8Array(ifd + 2 + entries.length * 12 + 4);
  const dv = new DataView(out.buffer);
  out.set([0x49, 0x49, 42, 0], 0);
  dv.setUint32(4, ifd, true);
  out.set(strip, 8);
  dv.setUint16(ifd, entries.length, true);
  entries.forEach(([tag, type, value], k) => {
    const e = ifd + 2 + k * 12;
    dv.setUint16(e, tag, true);
    dv.setUint16(e + 2, type, true);
    dv.setUint32(e + 4, 1, true);
    if (type === 3) dv.setUint16(e + 8, value, true);
    else dv.setUint32(e + 8, value, true);
  });
  return out;
}

/** A zlib stream of about 1 MB that inflates to 1 GiB of zeros: 1024 flushed copies of a 1 MiB block. */
function deflateBomb(): Uint8Array {
  const block = deflateRawSync(Buffer.alloc(1 << 20), { level: 9, finishFlush: constants.Z_FULL_FLUSH });
  return Buffer.concat([Buffer.from([0x78, 0xda]), ...new Array<Buffer>(1024).fill(block), Buffer.from([0x03, 0x00])]);
}

test("a 1 MB DEFLATE band that inflates to 1 GiB: E_OVERSIZED_BLOCK naming patch and file, small peak RSS", async () => {
  const src = await synth("deflate");
  const root = join(tempDir(), "bomb");
  cpSync(src, root, { recursive: true });
  const victim = readFileSync(join(root, "splits", "train.csv"), "utf8").split("\r\n")[0] as string;
  const file = join(root, victim, `${victim}_B02.tif`);
  const bomb = deflateBomb();
  assert.ok(bomb.length > 900_000 && bomb.length < 1_200_000, `the bomb is ~1 MB (${bomb.length} bytes)`);
  writeFileSync(file, oneStripTiff(120, bomb));
  // Main thread and worker thread alike.
  await assert.rejects(inWorker(PATCH_MODULE, "readPatch", [root, victim]), (e: WorkerError) => e.code === "E_OVERSIZED_BLOCK" && e.place?.file === file);
  // The CLI through the pool, in a child process whose peak memory is measured.
  const child = spawn(process.execPath, ["--import", "tsx", join(PROJECT_ROOT, "test", "helpers", "cli-rss-child.ts"), "prep", "-r", root, "-o", tempDir(), "-n", join(root, "splits", "train.csv"), "--workers", "2", "--quiet"], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  assert.equal(code, 1, stderr);
  assert.match(stderr, new RegExp(`patch ${victim}.*${victim}_B02\\.tif.*strip 0 decompresses to more than the 28800 bytes the image needs`));
  const rssKb = Number(/maxrss_kb=(\d+)/.exec(stderr)?.[1]);
  assert.ok(rssKb > 0 && rssKb < 600 * 1024, `peak RSS ${Math.round(rssKb / 1024)} MB (inflating the bomb would take over 1,024 MB)`);
});
