// The web demo's Sentinel-1 view in headless Chromium: an MM record's VV, VH and false-colour composite, and a real
// v1 patch's S1 files opened after its S2 files; every canvas pixel checked against the 2–98 % stretch computed
// here from the values (the record's, or GDAL's reading of the real TIFFs).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import type { Page } from "playwright-core";
import { startServer } from "../../src/serve/server.js";
import { need, needGdal, needShared, SHARED_DIR } from "../helpers/env.js";
import { tempDir } from "../helpers/fixtures.js";
import { mmPatch, writeMmShard } from "../helpers/mm-records.js";
import { chromiumPath, whyUnavailable } from "../../scripts/runtimes/harness.js";

const TIMEOUT_MS = 120_000;

/** The page's stretch, restated: [2 %, 98 %] percentiles of a sorted float32 copy, then a linear map to 0–255. */
function stretched(band: ArrayLike<number>): number[] {
  const sorted = Float32Array.from(band).sort();
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
  const lo = at(0.02);
  const hi = at(0.98) > lo ? at(0.98) : lo + 1;
  return Array.from(band, (v) => Math.max(0, Math.min(255, Math.round(((v - lo) / (hi - lo)) * 255))));
}

/** Channel c (0 R, 1 G, 2 B) of every pixel of a canvas. */
function channel(page: Page, id: string, c: number): Promise<number[]> {
  return page.$eval(id, (el, k) => {
    const cv = el as HTMLCanvasElement;
    const d = (cv.getContext("2d") as CanvasRenderingContext2D).getImageData(0, 0, cv.width, cv.height).data;
    return Array.from({ length: cv.width * cv.height }, (_, i) => d[i * 4 + k] as number);
  }, c);
}

async function checkS1(page: Page, s1Name: string, vv: Float32Array, vh: Float32Array): Promise<void> {
  await page.waitForSelector(`#s1[data-s1="${s1Name}"], #patch-status[data-state=error]`, { timeout: TIMEOUT_MS });
  assert.equal(await page.getAttribute("#patch-status", "data-state"), "ready", (await page.textContent("#patch-status")) ?? "");
  assert.equal(await page.isHidden("#s1"), false);
  const ratio = Float32Array.from(vv, (v, i) => v - (vh[i] as number));
  assert.deepEqual(await channel(page, "#s1-vv", 0), stretched(vv));
  assert.deepEqual(await channel(page, "#s1-vh", 1), stretched(vh));
  for (const [c, band] of [[0, vv], [1, vh], [2, ratio]] as const) assert.deepEqual(await channel(page, "#s1-false", c), stretched(band), `false colour channel ${c}`);
}

test("web demo: Sentinel-1 VV, VH and false colour from an MM record and from a real patch's S1 files", { timeout: 4 * TIMEOUT_MS }, async (t) => {
  if (!need(t, whyUnavailable("chromium"))) return;
  const dir = tempDir("web-s1");
  const file = join(dir, "mm.tfrecord");
  const patches = [mmPatch(7), mmPatch(8)];
  await writeMmShard(file, patches);
  const server = await startServer({ port: 0, host: "127.0.0.1" });
  const { chromium } = await import("playwright-core");
  const browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, timeout: TIMEOUT_MS });
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(server.url);
    await page.setInputFiles("#files", file);
    const p = patches[0] as (typeof patches)[number];
    await checkS1(page, p.s1Name, p.vv, p.vh);
    assert.equal(await page.textContent("#patch-name"), p.patchName);

    // Sentinel-1 files alone, before any S2 patch: a named error, nothing shown.
    if (needShared(t) && needGdal(t)) {
      const s1Dir = join(SHARED_DIR, "real-v1-s1", "S1A_IW_GRDH_1SDV_20170613T165043_33UUP_87_48");
      const s2Dir = join(SHARED_DIR, "real-v1", "S2A_MSIL2A_20170613T101031_87_48");
      const s1Files = readdirSync(s1Dir).map((n) => join(s1Dir, n));
      const page2 = await browser.newPage();
      page2.on("pageerror", (e) => errors.push(String(e)));
      await page2.goto(server.url);
      await page2.setInputFiles("#files", s1Files);
      await page2.waitForSelector("#patch-status[data-state=error]", { timeout: TIMEOUT_MS });
      assert.match(await page2.textContent("#patch-status") ?? "", /S2 files .* first/);
      // S2 first, then its S1 folder's files (VV, VH and the S1 label file) join it.
      await page2.setInputFiles("#files", readdirSync(s2Dir).map((n) => join(s2Dir, n)));
      await page2.waitForSelector("#patch-status[data-state=ready]", { timeout: TIMEOUT_MS });
      assert.equal(await page2.isHidden("#s1"), true);
      await page2.setInputFiles("#files", s1Files);
      const gdal = (pol: string): Float32Array => {
        const out = join(dir, `${pol}.bin`);
        const r = spawnSync("gdal_translate", ["-q", "-of", "ENVI", join(s1Dir, `${(s1Dir.split("/").at(-1) as string)}_${pol}.tif`), out], { encoding: "utf8" });
        assert.equal(r.status, 0, r.stderr);
        const b = readFileSync(out);
        return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
      };
      await checkS1(page2, "S1A_IW_GRDH_1SDV_20170613T165043_33UUP_87_48", gdal("VV"), gdal("VH"));
      assert.equal(await page2.textContent("#patch-name"), "S2A_MSIL2A_20170613T101031_87_48");
    }
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    await server.close();
  }
});
