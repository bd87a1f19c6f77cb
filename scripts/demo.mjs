#!/usr/bin/env node
// `npm run demo`: the main job end to end on a small synthetic archive, printing what each step did.
// Runs the built CLI (dist/, made by `npm install`), exactly as a user would type the commands.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const work = join(root, "demo-out");
const archive = join(work, "archive");
const shards = join(work, "tfrecords");
const runDir = join(work, "run");
const rel = (p) => relative(process.cwd(), p) || ".";

function ben19(title, args) {
  process.stdout.write(`\n== ${title}\n$ ben19 ${args.join(" ")}\n`);
  const r = spawnSync(process.execPath, [join(root, "bin", "ben19.js"), ...args], { stdio: "inherit" });
  if (r.status !== 0) {
    process.stderr.write(`demo: step "${title}" failed with exit code ${r.status}\n`);
    process.exit(r.status ?? 1);
  }
}

rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
ben19("1. make a synthetic BigEarthNet-S2 v1 archive (real layout and naming)", ["synth", "-o", rel(archive), "--patches", "300", "--seed", "7"]);
ben19("2. convert its train/val/test splits to TFRecord", [
  "prep", "-r", rel(archive), "-o", rel(shards),
  "-n", rel(join(archive, "splits", "train.csv")), rel(join(archive, "splits", "val.csv")), rel(join(archive, "splits", "test.csv")),
]);
ben19("3. verify every record against the archive", ["verify", rel(shards), "-r", rel(archive)]);
ben19("4. inspect the test split", ["inspect", rel(join(shards, "test.tfrecord"))]);
ben19("5. train K-BranchCNN briefly (2 epochs, batch 16; the reference trains 100 epochs at batch 1000)", [
  "train", "--model", "kbranch", "--train", rel(join(shards, "train.tfrecord")), "--val", rel(join(shards, "val.tfrecord")),
  "--out", rel(runDir), "--epochs", "2", "--batch-size", "16", "--shuffle-buffer", "256",
]);
ben19("6. evaluate it on the test split with the reference's metrics", [
  "eval", "--model", rel(runDir), "--data", rel(join(shards, "test.tfrecord")),
  "--out", rel(join(runDir, "test-metrics.json")), "--predictions", rel(join(runDir, "test-predictions.csv")),
]);
// Two patch folders straight from the archive: prediction needs only the 12 GeoTIFFs.
const testPatches = readFileSync(join(archive, "splits", "test.csv"), "utf8").split(/\r?\n/).filter((l) => l.trim() !== "").slice(0, 2);
ben19("7. predict two patch folders from their GeoTIFFs", ["predict", "--model", rel(runDir), ...testPatches.map((p) => rel(join(archive, p.split(",")[0].trim())))]);
process.stdout.write(`\ndemo: done; outputs in ${rel(work)}\n`);
