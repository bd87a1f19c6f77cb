#!/usr/bin/env node
// `npm run demo`: the main job end to end on a small synthetic archive, printing what each step did.
// Runs the built CLI (dist/, made by `npm install`), exactly as a user would type the commands.
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const work = join(root, "demo-out");
const archive = join(work, "archive");
const shards = join(work, "tfrecords");
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
process.stdout.write(`\ndemo: done; outputs in ${rel(work)}\n`);
