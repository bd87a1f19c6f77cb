// The web demo: `ben19 serve` hands out only its whitelist (no `..` escapes), and in headless Chromium the page,
// fed a synth patch's 12 GeoTIFFs and label file (then the records of a TFRecord file), shows the patch's labels,
// offers exactly the record `ben19 prep` wrote for it, and shows the probabilities `predict()` computes in Node
// for the same input with the same model (served by ben19 serve, then picked as files).
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { test } from "node:test";
import type { Page } from "playwright-core";
import { TFRECORD_FOOTER_BYTES, TFRECORD_HEADER_BYTES } from "../../src/core/constants.js";
import { labels43ToIndices, multiHot19, names19 } from "../../src/labels/convert.js";
import { LABELS_19 } from "../../src/labels/nomenclature.js";
import { loadModel } from "../../src/models/io.js";
import { prep } from "../../src/prep/run.js";
import { startServer } from "../../src/serve/server.js";
import { readRecords } from "../../src/tfrecord/reader.js";
import { predict, type Prediction } from "../../src/training/predict.js";
import { train } from "../../src/training/train.js";
import { createCore } from "../../src/wasm/core.js";
import { need, PROJECT_ROOT } from "../helpers/env.js";
import { synthFixture, tempDir } from "../helpers/fixtures.js";
import { chromiumPath, whyUnavailable } from "../../scripts/runtimes/harness.js";

const TIMEOUT_MS = 120_000;

/** Status and body of a GET whose path is sent exactly as written (no client-side normalisation of `..`). */
function rawGet(base: string, path: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(base);
  return new Promise((ok, fail) => {
    request({ hostname, port, path, method: "GET" }, (res) => {
      let body = "";
      res.setEncoding("utf8").on("data", (c: string) => (body += c)).on("end", () => ok({ status: res.statusCode ?? 0, body }));
    }).on("error", fail).end();
  });
}

test("serve: the page, the library, the core and tfjs are served; `..` and everything else are refused", async () => {
  const server = await startServer({ port: 0, host: "127.0.0.1" });
  try {
    for (const [path, type] of [["/", "text/html"], ["/web/app.js", "text/javascript"], ["/dist/wasm/index.js", "text/javascript"],
      ["/build/core.wasm", "application/wasm"], ["/vendor/tf-core.min.js", "text/javascript"], ["/vendor/tfjs-backend-wasm-simd.wasm", "application/wasm"]] as const) {
      const res = await fetch(new URL(path, server.url));
      assert.equal(res.status, 200, path);
      assert.match(res.headers.get("content-type") ?? "", new RegExp(`^${type}`), path);
    }
    assert.deepEqual(Buffer.from(await (await fetch(new URL("/build/core.wasm", server.url))).arrayBuffer()), readFileSync(join(PROJECT_ROOT, "build", "core.wasm")));
    for (const path of ["/web/../package.json", "/dist/../package.json", "/web/%2e%2e/package.json", "/dist/..%2fpackage.json", "/web/..%5c..%5cpackage.json",
      "/model/../package.json", "/vendor/../../package.json", "/web/./index.html"]) {
      const res = await rawGet(server.url, path);
      assert.equal(res.status, 403, `${path}: ${res.status} ${res.body}`);
      assert.doesNotMatch(res.body, /"name": "ben19"/);
    }
    for (const path of ["/package.json", "/src/serve/server.ts", "/dist/serve/server.d.ts", "/build/other.wasm", "/node_modules/geotiff/package.json",
      "/vendor/seedrandom.js", "/model/model.json", "/web/"]) {
      assert.equal((await rawGet(server.url, path)).status, 404, path);
    }
    assert.equal((await rawGet(server.url, "/web/%E0%A4%A.js")).status, 400);
    assert.equal((await fetch(new URL("/", server.url), { method: "POST" })).status, 405);
  } finally {
    await server.close();
  }
  await assert.rejects(startServer({ port: 0, host: "127.0.0.1", model: tempDir("web-nomodel") }), /missing model\.json/);
});

test("ben19 serve prints its URL, serves the page and stops on SIGINT", async () => {
  const child = spawn(process.execPath, [join(PROJECT_ROOT, "bin", "ben19.js"), "serve", "--port", "0"], { cwd: PROJECT_ROOT });
  const url = await new Promise<string>((ok, fail) => {
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => {
      out += c;
      const m = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (m !== null) ok(m[1] as string);
    });
    child.once("exit", (code) => fail(new Error(`ben19 serve exited with ${String(code)} before printing its URL: ${out}`)));
  });
  assert.match(await (await fetch(url)).text(), /<title>ben19/);
  const exited = new Promise<number | null>((ok) => child.once("exit", (code) => ok(code)));
  child.kill("SIGINT");
  assert.equal(await exited, 0);
});

/** A trained kbranch run (one epoch of 4-patch batches) and prep's output, on a small synth archive. */
async function fixture(): Promise<{ archive: string; records: string; run: string }> {
  const s = await synthFixture(16, 9);
  const records = join(tempDir("web-rec"), "rec");
  await prep({ root: s.out, out: records, splits: [s.splits.train, s.splits.val], workers: 1 });
  const run = join(tempDir("web-run"), "run");
  await train({
    model: "kbranch", train: [join(records, "train.tfrecord")], out: run, epochs: 1, batchSize: 4, lr: 1e-3, seed: 3,
    backend: "wasm", resample: "tf1-bicubic", shuffleBuffer: 8, checkpointEvery: 0, resume: false, workers: 1,
  });
  return { archive: s.out, records, run };
}

/** Every record of a TFRecord file as framed in the file, with its patch name. */
async function framedRecords(file: string): Promise<{ patch: string; framed: Buffer }[]> {
  const core = await createCore();
  const bytes = readFileSync(file);
  const out = [];
  for await (const r of readRecords(file, core)) {
    const framed = bytes.subarray(r.offset, r.offset + TFRECORD_HEADER_BYTES + r.data.length + TFRECORD_FOOTER_BYTES);
    out.push({ patch: core.decodePatch(r.data).patchName, framed });
  }
  return out;
}

/** The page after a patch was opened: what it shows and the record it offers, checked against the truth. */
async function checkPage(page: Page, truth: { patch: string; source: string; model: string; labels19: string[]; labels43: string[] | null; framed: Buffer; probabilities: number[] }): Promise<number> {
  await page.waitForSelector(`#prediction[data-state=ready][data-patch="${truth.patch}"][data-source="${truth.source}"][data-model="${truth.model}"], #patch-status[data-state=error], #model-status[data-state=error]`, { timeout: TIMEOUT_MS });
  for (const id of ["#patch-status", "#model-status"]) assert.equal(await page.getAttribute(id, "data-state"), "ready", (await page.textContent(id)) ?? "");
  assert.equal(await page.textContent("#patch-name"), truth.patch);
  const items = (sel: string): Promise<string[]> => page.$$eval(`${sel} li`, (lis) => lis.map((li) => li.textContent ?? ""));
  assert.deepEqual(await items("#labels19"), truth.labels19);
  if (truth.labels43 !== null) assert.deepEqual(await items("#labels43"), truth.labels43);
  else assert.match((await items("#labels43")).join(), /not stored/);

  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#download")]);
  assert.equal(download.suggestedFilename(), `${truth.patch}.tfrecord`);
  const saved = join(tempDir("web-dl"), "record.tfrecord");
  await download.saveAs(saved);
  assert.ok(readFileSync(saved).equals(truth.framed), `the record offered for ${truth.patch} differs from the one prep wrote`);

  const shown = await page.$$eval("#probabilities tbody tr", (rows) => rows.map((r) => [(r as HTMLElement).dataset["class"], Number((r as HTMLElement).dataset["p"])] as const));
  assert.deepEqual(shown.map(([c]) => c), [...LABELS_19]);
  const diffs = shown.map(([, p], k) => Math.abs(p - (truth.probabilities[k] as number)));
  diffs.forEach((d, k) => assert.ok(d <= 1e-4, `${LABELS_19[k] as string}: page ${String(shown[k]?.[1])}, predict() ${String(truth.probabilities[k])}`));
  return Math.max(...diffs);
}

test("the web demo in Chromium: labels, the prep record and predict()'s probabilities, from GeoTIFFs and from a TFRecord file", { timeout: 5 * TIMEOUT_MS }, async (t) => {
  if (!need(t, whyUnavailable("chromium"))) return;
  const f = await fixture();
  const valFile = join(f.records, "val.tfrecord");
  const records = await framedRecords(valFile);
  assert.ok(records.length >= 2, `val.tfrecord holds ${records.length} records; the test needs 2`);
  const loaded = await loadModel(f.run);
  const byRecord: Prediction[] = [];
  for await (const p of predict(loaded, [valFile])) byRecord.push(p);
  const { patch, framed } = records[0] as (typeof records)[number];
  const folder = join(f.archive, patch);
  const fromFolder: Prediction[] = [];
  for await (const p of predict(loaded, [folder])) fromFolder.push(p);
  const labels43 = (JSON.parse(readFileSync(join(folder, `${patch}_labels_metadata.json`), "utf8")) as { labels: string[] }).labels;
  const labels19 = names19(multiHot19(labels43ToIndices(labels43)));

  const server = await startServer({ model: f.run, port: 0, host: "127.0.0.1" });
  const { chromium } = await import("playwright-core");
  const browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, timeout: TIMEOUT_MS });
  try {
    const page = await browser.newPage({ acceptDownloads: true, viewport: { width: 1280, height: 800 } });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    page.on("console", (m) => void (m.type() === "error" && errors.push(`${m.text()} (${m.location().url})`)));
    await page.goto(server.url);

    // The 12 GeoTIFFs and the label file of a patch folder, with the server's model.
    const files = readdirSync(folder);
    assert.equal(files.length, 13);
    await page.setInputFiles("#files", files.map((n) => join(folder, n)));
    const diff = await checkPage(page, { patch, source: "13 files", model: "the server", labels19, labels43, framed, probabilities: fromFolder[0]?.probabilities ?? [] });
    t.diagnostic(`max |page − predict()| = ${diff.toExponential(2)}; tfjs backend in the page: ${await page.evaluate(() => (globalThis as unknown as { tf: { getBackend(): string } }).tf.getBackend())}`);
    // The result is on screen without scrolling at 1280×800, and the note says what the model's input really is
    // (K-BranchCNN takes each resolution as it is: no resampling).
    await page.evaluate(() => window.scrollTo(0, 0));
    const table = await page.locator("#probabilities").boundingBox();
    assert.ok(table !== null && table.y >= 0 && table.y + table.height <= 800, `the prediction is not within 1280×800: ${JSON.stringify(table)}`);
    const note = await page.textContent("#prediction-note") ?? "";
    assert.match(note, /not resampled/);
    assert.match(note, /120×120×4 \(B04, B03, B02, B08\); 60×60×6 .*; 20×20×2 \(B01, B09\)/);
    assert.doesNotMatch(note, /bicubic/);
    mkdirSync(join(PROJECT_ROOT, "test-artifacts"), { recursive: true });
    await page.screenshot({ path: join(PROJECT_ROOT, "test-artifacts", "web-demo.png") });

    // The same model picked as files; then val.tfrecord, its first and its second record.
    const modelDir = join(f.run, "model");
    await page.setInputFiles("#model-files", ["model.json", "weights.bin", "ben19.json"].map((n) => join(modelDir, n)));
    await checkPage(page, { patch, source: "13 files", model: "your files", labels19, labels43, framed, probabilities: fromFolder[0]?.probabilities ?? [] });
    await page.setInputFiles("#files", valFile);
    for (const k of [0, 1]) {
      if (k > 0) await page.fill("#record", String(k)).then(() => page.dispatchEvent("#record", "change"));
      const p = byRecord[k] as Prediction;
      await checkPage(page, { patch: p.patch, source: `val.tfrecord, record ${k} of ${records.length}`, model: "your files", labels19: p.trueLabels ?? [], labels43: null, framed: (records[k] as (typeof records)[number]).framed, probabilities: p.probabilities });
    }
    assert.deepEqual(errors, []);

    // A failed open clears the previous patch and its prediction: the error is not shown above stale results.
    await page.setInputFiles("#files", files.filter((n) => n.endsWith(".tif") && !n.endsWith("_B01.tif")).map((n) => join(folder, n)));
    await page.waitForSelector("#patch-status[data-state=error]", { timeout: TIMEOUT_MS });
    assert.equal(await page.isHidden("#patch"), true, "the old patch is still shown under the error");
    assert.equal(await page.isHidden("#prediction"), true, "the old prediction is still shown under the error");
    await page.screenshot({ path: join(PROJECT_ROOT, "test-artifacts", "web-demo-error.png") });

    // Without a model on the server and without the label file: the bands, no labels, no record, no prediction;
    // a missing band is an error naming it.
    const bare = await startServer({ port: 0, host: "127.0.0.1" });
    try {
      const page2 = await browser.newPage();
      await page2.goto(bare.url);
      await page2.waitForSelector("#model-status[data-state=none]", { timeout: TIMEOUT_MS });
      const bands = files.filter((n) => n.endsWith(".tif")).map((n) => join(folder, n));
      await page2.setInputFiles("#files", bands.slice(1));
      await page2.waitForSelector("#patch-status[data-state=error]", { timeout: TIMEOUT_MS });
      assert.match(await page2.textContent("#patch-status") ?? "", new RegExp(`${patch}_B01\\.tif missing`));
      await page2.setInputFiles("#files", bands);
      await page2.waitForSelector("#patch-status[data-state=ready]", { timeout: TIMEOUT_MS });
      assert.equal(await page2.textContent("#patch-name"), patch);
      assert.match(await page2.textContent("#labels19") ?? "", /unknown/);
      assert.equal(await page2.isHidden("#download"), true);
      assert.equal(await page2.isHidden("#prediction"), true);
    } finally {
      await bare.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
});
