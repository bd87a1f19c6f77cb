// Every command walked through the mistakes users make: missing paths, files of the wrong kind, wrong-schema
// TFRecord files, out-of-range values and misspelt options. Each must end with a named error (the thing, the value,
// the fix), no stack trace, exit 2 for a wrong command line and exit 1 for bad data. Runs the CLI in-process.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, test } from "node:test";
import { selectBackend } from "../../src/runtime/backend.js";
import { saveModel } from "../../src/models/io.js";
import { makeMetadata } from "../../src/contract/metadata.js";
import { MODELS } from "../../src/models/registry.js";
import { REFERENCE_STATS } from "../../src/core/stats.js";
import { prep } from "../../src/prep/run.js";
import { train } from "../../src/training/train.js";
import { TFRecordWriter } from "../../src/tfrecord/writer.js";
import { synthFixture, tempDir } from "../helpers/fixtures.js";
import { foreignExample } from "../helpers/foreign.js";
import { cli } from "../helpers/cli.js";

interface Fixture {
  dir: string;
  archive: string;
  rec: string;
  train: string;
  model: string;
  wrong: string;
  text: string;
  notPatch: string;
}

let fx: Fixture;

before(async () => {
  const s = await synthFixture(12, 4);
  const dir = tempDir("errors-");
  const rec = join(dir, "rec");
  await prep({ root: s.out, out: rec, splits: [s.splits.train], workers: 1 });
  // An untrained model is enough for the checks that happen before and while reading inputs.
  const model = join(dir, "model");
  await selectBackend("wasm");
  const net = MODELS.kbranch.build(1);
  await saveModel(net, makeMetadata("kbranch", { stats: REFERENCE_STATS, resample: "tf1-bicubic", training: null }), model);
  net.dispose();
  const wrong = join(dir, "wrong.tfrecord");
  const w = await TFRecordWriter.create(wrong);
  w.write(foreignExample());
  await w.close();
  const text = join(dir, "notes.txt");
  writeFileSync(text, "this is not a TFRecord file, just some text long enough to hold a header\n");
  const notPatch = join(dir, "not-a-patch");
  mkdirSync(notPatch);
  writeFileSync(join(notPatch, "readme.txt"), "no GeoTIFFs here\n");
  fx = { dir, archive: s.out, rec, train: join(rec, "train.tfrecord"), model, wrong, text, notPatch };
});

/** Runs `args`; asserts the exit code, a message matching every pattern, and no stack trace or internal error. */
async function expectError(args: string[], code: 1 | 2, ...patterns: RegExp[]): Promise<string> {
  const r = await cli(args);
  const shown = `ben19 ${args.join(" ")} → exit ${r.code}\n${r.stderr}`;
  assert.equal(r.code, code, shown);
  assert.doesNotMatch(r.stderr, /internal error|\n\s+at .+:\d+:\d+\)?\n/, shown);
  for (const p of patterns) assert.match(r.stderr, p, shown);
  return r.stderr;
}

const MISSING = "/nonexistent/ben19/missing";

test("missing paths are usage errors (exit 2) naming the path and what to pass, for every command", async () => {
  await expectError(["prep", "-r", MISSING, "-o", join(fx.dir, "p1")], 2, /archive root does not exist/);
  await expectError(["verify", MISSING], 2, /OUT: no such folder: \/nonexistent/, /output folder of ben19 prep/);
  await expectError(["verify", fx.rec, "-r", MISSING], 2, /--root_folder: no such file or folder/);
  await expectError(["merge-manifests", MISSING], 2, /DIR: no such folder/);
  await expectError(["inspect", `${MISSING}.tfrecord`], 2, /argument FILES: got ".*missing\.tfrecord", no such file/);
  await expectError(["stats", `${MISSING}.tfrecord`], 2, /argument SHARDS: .*no such file/);
  await expectError(["stats", fx.rec], 2, /expected a TFRecord file, not a folder/);
  await expectError(["tensor", MISSING, "-o", join(fx.dir, "x.npy")], 2, /INPUT: no such file or folder/);
  await expectError(["train", "--model", "kbranch", "--train", join(fx.rec, "nothing_*.tfrecord"), "--out", join(fx.dir, "r0")], 2,
    /option --train: got ".*nothing_\*\.tfrecord", the pattern matches no file/);
  await expectError(["train", "--model", "kbranch", "--train", fx.train, "--val", `${MISSING}.tfrecord`, "--out", join(fx.dir, "r0")], 2, /option --val/);
  await expectError(["train", "--model", "kbranch", "--train", fx.train, "--out", join(fx.dir, "r0"), "--stats", MISSING], 2, /option --stats/);
  assert.ok(!existsSync(join(fx.dir, "r0")), "a refused train created its run folder");
  await expectError(["eval", "--model", MISSING, "--data", fx.train], 2, /--model: no such folder/);
  await expectError(["eval", "--model", fx.model, "--data", `${MISSING}.tfrecord`], 2, /option --data/);
  await expectError(["predict", "--model", MISSING, fx.train], 2, /--model: no such folder/);
  await expectError(["predict", "--model", fx.model, MISSING], 2, /INPUTS: no such file or folder: \/nonexistent/);
  await expectError(["serve", "--model", MISSING, "--port", "0"], 2, /--model: no such folder/);
  await expectError(["export", MISSING, "-o", join(fx.dir, "m.onnx")], 2, /RUN: no such folder/);
  await expectError(["export", fx.model, "-o", join(MISSING, "m.onnx")], 2, /option --out: .*does not exist: create it first/);
  // A model folder that exists but lacks the model's files is bad data (exit 1).
  await expectError(["predict", "--model", fx.rec, fx.train], 1, /missing model\.json/);
});

test("wrong-schema and non-TFRecord files are data errors (exit 1) naming the file and the expected schema", async () => {
  const schema = /expected BigEarthNet-19 records .*B01…B12 and B8A .*patch_name/;
  const where = new RegExp(`file ${fx.wrong.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}, record 0`);
  await expectError(["stats", fx.wrong], 1, where, /feature B01 is missing/, schema);
  await expectError(["tensor", fx.wrong, "-o", join(fx.dir, "x.npy")], 1, where, schema);
  await expectError(["eval", "--model", fx.model, "--data", fx.wrong, "-q"], 1, where, schema);
  await expectError(["predict", "--model", fx.model, fx.wrong], 1, where, schema);
  const out = join(fx.dir, "r-wrong");
  await expectError(["train", "--model", "kbranch", "--train", fx.wrong, "--out", out, "-q"], 1, where, schema);
  assert.ok(!existsSync(out), "train on a wrong-schema shard left its run folder");
  await expectError(["inspect", fx.text], 1, /notes\.txt/);
  await expectError(["stats", fx.text], 1, /notes\.txt/);
  await expectError(["predict", "--model", fx.model, fx.notPatch], 1, /not a patch folder/, /_B01\.tif/);
  // inspect shows what a foreign file holds instead of failing on it.
  const r = await cli(["inspect", fx.wrong]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /image +int64_list +3 +\[1, 2, 3\]/);
});

test("option values out of range and misspelt options are usage errors (exit 2) that say what is expected", async () => {
  await expectError(["prep", "--root", fx.archive, "-o", join(fx.dir, "p2")], 2, /unknown option '--root' \(did you mean --root_folder\?\)/);
  await expectError(["train", "--modle", "kbranch", "--train", fx.train, "--out", join(fx.dir, "r1")], 2, /unknown option '--modle' \(did you mean --model\?\)/);
  await expectError(["eval", "--model", fx.model, "--data", fx.train, "--batchsize", "4"], 2, /did you mean --batch-size/);
  await expectError(["predict", "--model", fx.model, "--threshold", "1.5", fx.train], 2, /option --threshold: got 1\.5, expected a probability from 0 to 1/);
  await expectError(["eval", "--model", fx.model, "--data", fx.train, "--threshold", "-0.1"], 2, /option --threshold/);
  await expectError(["predict", "--model", fx.model, "--threads", "0", fx.train], 2, /option --threads: got 0, expected an integer from 1 to 8/);
  await expectError(["train", "--model", "kbranch", "--train", fx.train, "--out", join(fx.dir, "r1"), "--epochs", "two"], 2, /option --epochs: got "two", expected an integer/);
  await expectError(["train", "--model", "kbranch", "--train", fx.train, "--out", join(fx.dir, "r1"), "--resume", "--overwrite"], 2, /--overwrite.*cannot be combined with --resume/);
  // The library names the option by its key; the CLI names the flag the user typed.
  await expectError(["train", "--model", "kbranch", "--train", fx.train, "--out", join(fx.dir, "r1"), "--checkpoint-every", "-1"],
    2, /option --checkpoint-every: got -1, expected an integer ≥ 0/);
  await assert.rejects(train({ model: "kbranch", train: [fx.train], out: join(fx.dir, "r2"), checkpointEvery: -1 }), /^OptionError: option checkpointEvery: got -1, expected an integer ≥ 0/);
  await expectError(["train", "--model", "alexnet", "--train", fx.train, "--out", join(fx.dir, "r1")], 2, /alexnet/);
  await expectError(["synth", "-o", join(fx.dir, "s"), "--patches", "0"], 2, /option --patches/);
  await expectError(["models", "--bogus"], 2, /unknown option '--bogus'/);
  // Options of a nested command (ckpt list) are known: a missing checkpoint is reported, not "--json".
  await expectError(["ckpt", "list", MISSING, "--json"], 1, /does not exist/);
  await expectError(["ckpt", "list", MISSING, "--jsn"], 2, /unknown option '--jsn' \(did you mean --json\?\)/);
  await expectError(["export", fx.model, "--format", "tflite", "-o", join(fx.dir, "m.tflite")], 2, /--format/, /onnx/);
  await expectError(["predict", "--model", fx.model, "--backend", "onnxx", fx.train], 2, /--backend/, /onnx/);
  await expectError(["no-such-command"], 2, /run with --help/);
  assert.ok(!existsSync(join(fx.dir, "r1")));
});

test("predict --on-error skip warns about non-patch inputs and predicts the rest; --csv writes one row per patch", async () => {
  // A patch folder whose name is not the patch's name (a copy): found by its <patch>_B01.tif.
  const renamed = join(fx.dir, "my download");
  mkdirSync(renamed);
  const first = readFileSync(join(fx.archive, "splits", "train.csv"), "utf8").split(/\r?\n/)[0]?.trim() as string;
  for (const f of ["B01", "B02", "B03", "B04", "B05", "B06", "B07", "B08", "B8A", "B09", "B11", "B12"]) {
    writeFileSync(join(renamed, `${first}_${f}.tif`), readFileSync(join(fx.archive, first, `${first}_${f}.tif`)));
  }
  const csv = join(fx.dir, "preds.csv");
  const r = await cli(["predict", "--model", fx.model, "--on-error", "skip", "--csv", csv, renamed, fx.notPatch, fx.wrong, fx.train]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /warning: skipped .*not-a-patch: .*not a patch folder/);
  assert.match(r.stderr, /warning: skipped .*wrong\.tfrecord: .*feature B01 is missing/);
  const rows = readFileSync(csv, "utf8").trim().split("\n");
  const records = readFileSync(fx.train).length > 0 ? (await cli(["inspect", fx.train, "--json"])).stdout : "";
  const count = (JSON.parse(records) as { records: number }[])[0]?.records as number;
  assert.equal(rows.length, 1 + 1 + count, "header + the renamed folder + every record");
  assert.match(rows[0] as string, /^patch_name,source,Urban fabric,.*"Land principally occupied by agriculture, with significant areas of natural vegetation",.*,Marine waters,predicted_labels$/);
  assert.match(rows[1] as string, new RegExp(`^${first},`));
  for (const row of rows.slice(1)) {
    const probs = row.split(",").slice(2, 21).map(Number);
    assert.equal(probs.length, 19);
    assert.ok(probs.every((p) => p >= 0 && p <= 1), row);
  }
  assert.ok(!existsSync(`${csv}.tmp`));
  // Without skip the same inputs stop at the first non-patch and leave no CSV.
  const csv2 = join(fx.dir, "preds2.csv");
  await expectError(["predict", "--model", fx.model, "--csv", csv2, renamed, fx.notPatch], 1, /not a patch folder/);
  assert.ok(!existsSync(csv2) && !existsSync(`${csv2}.tmp`), "a failed predict left a CSV");
});

test("every command's --help opens with what it does and marks its required options", async () => {
  const top = await cli(["--help"]);
  const names = [...top.stdout.matchAll(/^ {2}([a-z][a-z0-9-]+) /gm)].map((m) => m[1] as string).filter((n) => n !== "help");
  assert.ok(names.length >= 12, top.stdout);
  for (const name of names) {
    const r = await cli([name, "--help"]);
    assert.equal(r.code, 0, name);
    const lines = r.stdout.split("\n");
    assert.match(lines[0] as string, new RegExp(`^Usage: ben19 ${name}`));
    assert.equal(lines[1], "", name);
    assert.match(lines[2] as string, /^[A-Z]/, `${name} --help has no description line`);
  }
  // Each option's block of help text (its description may wrap over several lines).
  const blocks = (await cli(["train", "--help"])).stdout.split(/\n(?= {2}-)/).map((b) => b.replace(/\s+/g, " ").trim());
  const block = (flag: string): string => blocks.find((b) => b.startsWith(`${flag} `)) ?? "";
  for (const flag of ["--model", "--train", "--out"]) assert.match(block(flag), /\(required\)/, flag);
  for (const flag of ["--val", "--epochs", "--overwrite"]) assert.doesNotMatch(block(flag), /\(required\)/, flag);
  // synth's description is one paragraph, wrapped by the terminal width, not by hard line breaks.
  const synth = (await cli(["synth", "--help"])).stdout;
  assert.match(synth, /and the label JSON|and\nthe label JSON/);
  assert.doesNotMatch(synth, /tags\) and\nthe label JSON, plus/);
});
