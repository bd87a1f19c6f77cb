// One JSON key style everywhere (snake_case, as TF and the reference use): every `--json` line a command prints
// and every JSON file it writes (manifest, journal, config, log, model metadata, metrics, bench report) is walked
// key by key.
// Data keys (band names such as B8A, class names, patch names) have no lower-to-upper hump, so the rule holds;
// the reference's feature names (BigEarthNet-19_labels) and tfjs's own model.json are not ben19's to name.
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { run } from "../../src/cli/index.js";
import { memoryIo } from "../../src/cli/io.js";
import { synthFixture, tempDir } from "../helpers/fixtures.js";

/** Paths (`where.key.key`) of every key with a camelCase hump in `value`. */
function camelKeys(value: unknown, where: string): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => camelKeys(v, `${where}[${i}]`));
  if (typeof value !== "object" || value === null) return [];
  // A hump, or an acronym split letter by letter (peakRssMB → peak_rss_m_b).
  const hump = (k: string): boolean =>
    (/[a-z][A-Z]/.test(k) && !k.startsWith("BigEarthNet")) || /_[a-z]_[a-z]\b/.test(k);
  return Object.entries(value)
    .flatMap(([k, v]) => [...(hump(k) ? [`${where}.${k}`] : []), ...camelKeys(v, `${where}.${k}`)]);
}

/** Parses `text` (one JSON document, pretty or not, or JSON Lines) and returns the camelCase keys found. */
function camelInLines(text: string, where: string): string[] {
  try {
    return camelKeys(JSON.parse(text), where);
  } catch {
    return text.split("\n").filter((l) => l.trim().startsWith("{"))
      .flatMap((l, i) => camelKeys(JSON.parse(l), `${where}:${i + 1}`));
  }
}

/** Every .json / .jsonl file under `dir`, recursively. */
function jsonFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? jsonFiles(p) : /\.jsonl?$/.test(n) && n !== "model.json" ? [p] : [];
  });
}

test("every --json output and JSON file from prep to predict has snake_case keys", async () => {
  const s = await synthFixture(12, 3);
  const d = tempDir("json-style");
  const rec = join(d, "rec");
  const runDir = join(d, "run");
  const found: string[] = [];
  const cli = async (args: string[]): Promise<void> => {
    const io = memoryIo();
    assert.equal(await run([...args, "--json"], io), 0, `${args[0]} failed: ${io.stderr}`);
    found.push(...camelInLines(io.stdout, `${args[0]} --json`));
  };
  await cli(["prep", "-r", s.out, "-o", rec, "-n", s.splits.train, s.splits.val, "--workers", "1"]);
  await cli(["verify", rec, "-r", s.out]);
  await cli(["inspect", join(rec, "train.tfrecord"), "--records", "2"]);
  await cli(["stats", join(rec, "train.tfrecord")]);
  await cli(["train", "--model", "kbranch", "--train", join(rec, "train.tfrecord"), "--val", join(rec, "val.tfrecord"),
    "--out", runDir, "--epochs", "1", "--batch-size", "4", "--backend", "wasm", "--shuffle-buffer", "0"]);
  const metrics = join(d, "metrics.json");
  await cli(["eval", "--model", runDir, "--data", join(rec, "val.tfrecord"), "--out", metrics, "--backend", "wasm"]);
  await cli(["predict", "--model", runDir, join(rec, "val.tfrecord"), "--backend", "wasm"]);
  await cli(["models"]);
  const benchOut = join(d, "bench.json");
  await cli(["bench", "--synth", "10", "--workers", "1", "--pipeline", "kbranch", "--tmp", tempDir(),
    "--out", benchOut]);
  const files = [...jsonFiles(rec), ...jsonFiles(runDir), metrics, benchOut];
  assert.ok(files.some((f) => f.endsWith("ben19.json")) && files.some((f) => f.endsWith("manifest.json")),
    `expected the model metadata and the manifest among ${files.join(", ")}`);
  for (const f of files) found.push(...camelInLines(readFileSync(f, "utf8"), f));
  assert.deepEqual(found, [], `camelCase keys: ${found.join(", ")}`);
});
