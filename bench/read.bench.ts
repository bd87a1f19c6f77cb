// Reading whole patches (12 GeoTIFFs + JSON) from the page cache on one core: the fast path vs geotiff.js for
// the same files; and synth's generation speed.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { decodeWithGeotiff } from "../src/archive/geotiff-fallback.js";
import { readPatch } from "../src/archive/patch.js";
import { BAND_NAMES } from "../src/core/bands.js";
import { synthArchive } from "../src/synth/index.js";
import { report, summarize } from "./report.js";

const dir = join(new URL("../.bench-cache/", import.meta.url).pathname, "read-200");
const t0 = performance.now();
const s = await synthArchive({ out: dir, patches: 200, seed: 1, layout: "default" });
const synthRate = 200 / ((performance.now() - t0) / 1000);

async function rate(fn: (name: string) => Promise<unknown>, rounds: number): Promise<number[]> {
  for (const n of s.patches) await fn(n); // warm the page cache and the JIT
  const rates: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t = performance.now();
    for (const n of s.patches) await fn(n);
    rates.push(s.patches.length / ((performance.now() - t) / 1000));
  }
  return rates;
}

const fast = summarize(await rate((n) => readPatch(s.out, n), 7));
const geo = summarize(
  await rate(async (n) => {
    for (const b of BAND_NAMES) {
      const file = join(s.out, n, `${n}_${b}.tif`);
      await decodeWithGeotiff(readFileSync(file), { patch: n, file });
    }
    readFileSync(join(s.out, n, `${n}_labels_metadata.json`), "utf8");
  }, 3),
);
report("read", [
  { name: "read a whole patch, fast path (13 files)", value: fast.mean, unit: "patches/s", n: fast.n, stddev: fast.stddev, note: "one core, page cache; target ≥ 4,000" },
  { name: "read a whole patch, geotiff.js", value: geo.mean, unit: "patches/s", n: geo.n, stddev: geo.stddev, note: "same files" },
  { name: "synth, default layout", value: synthRate, unit: "patches/s", n: 1, stddev: 0, note: "target ≥ 500" },
]);
