// The learning check (not part of `npm test`; takes tens of minutes): on a 2,000-patch synth archive, train
// K-BranchCNN for 20 epochs (batch 32, Adam 1e-3) and report the test micro-F1 per epoch next to the same network
// trained the same way in PyTorch (bench/torch_learning.py, when Debian's python3-torch is installed), and whether
// the two curves agree: #21 asks that ben19's curve stay within 0.03 test micro-F1 of PyTorch's. One epoch's F1 on
// a few hundred synthetic test patches jumps by ±0.03 from epoch to epoch on either side, so the verdict compares
// the mean over the last five epochs (within 0.03) and reports the largest single gap from epoch 10 on next to it.
//   node --import tsx bench/learning.ts [--patches 2000] [--epochs 20] [--batch 32] [--fresh-pytorch]
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createDataset } from "../src/dataset/dataset.js";
import { encodeNpy } from "../src/dataset/npy.js";
import { prep } from "../src/prep/run.js";
import { synthArchive } from "../src/synth/index.js";
import { train } from "../src/training/train.js";
import { pythonWith } from "./python.js";

const { values } = parseArgs({
  options: {
    patches: { type: "string", default: "2000" }, epochs: { type: "string", default: "20" },
    batch: { type: "string", default: "32" }, "fresh-pytorch": { type: "boolean", default: false },
  },
});
const patches = Number(values.patches);
const epochs = Number(values.epochs);
const batch = Number(values.batch);
const cache = join(import.meta.dirname, "..", ".bench-cache", `learning-${patches}`);
const archive = join(cache, "archive");
const shards = join(cache, "tfrecord");
if (!existsSync(join(shards, "manifest.json"))) {
  const s = await synthArchive({ out: archive, patches, seed: 2000, layout: "default" });
  await prep({ root: archive, out: shards, splits: [s.splits.train, s.splits.val, s.splits.test] });
}
const trainShard = join(shards, "train.tfrecord");
const testShard = join(shards, "test.tfrecord");

// PyTorch: the very same model inputs (our pipeline's kbranch tensors) exported as .npy. Its curve depends only on
// those inputs and PyTorch, not on ben19's kernels, so it is cached beside them (--fresh-pytorch runs it again);
// a run without a cached curve trains PyTorch in a child process beside ben19 (each slows the other, and neither
// curve depends on time).
const npy = join(cache, "npy");
async function exportSplit(file: string, name: string): Promise<void> {
  const ds = createDataset({ files: [file], layout: "kbranch", batchSize: 1 << 20, workers: 0 });
  for await (const b of ds.epoch(0)) {
    for (const t of b.inputs) writeFileSync(join(npy, `${name}_${t.name}.npy`), encodeNpy(t.data, t.shape));
    writeFileSync(join(npy, `${name}_labels.npy`), encodeNpy(b.labels, [b.size, 19]));
  }
  await ds.close();
}
interface TorchRun {
  curve: number[];
  seconds: number;
}
const torchCache = join(cache, `pytorch-${epochs}-epochs-batch-${batch}.json`);
async function pytorchRun(): Promise<TorchRun | undefined> {
  if (existsSync(torchCache) && values["fresh-pytorch"] !== true) {
    process.stderr.write(`learning: PyTorch's curve from ${torchCache}\n`);
    return JSON.parse(readFileSync(torchCache, "utf8")) as TorchRun;
  }
  const python = pythonWith("torch, numpy");
  if (python === undefined) {
    process.stderr.write("learning: PyTorch (Debian python3-torch) not installed; ben19's curve only\n");
    return undefined;
  }
  mkdirSync(npy, { recursive: true });
  await exportSplit(trainShard, "train");
  await exportSplit(testShard, "test");
  const t1 = performance.now();
  const child = spawn(python, [join(import.meta.dirname, "torch_learning.py"), npy, String(epochs), String(batch)],
    { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((done) => child.on("close", done));
  if (code !== 0) {
    process.stderr.write("learning: the PyTorch run failed\n");
    return undefined;
  }
  const run: TorchRun = { curve: JSON.parse(out) as number[], seconds: (performance.now() - t1) / 1000 };
  writeFileSync(torchCache, `${JSON.stringify(run)}\n`);
  return run;
}
const torch = pytorchRun();

// Ours: the test split as validation, so log.jsonl holds the test micro-F1 after every epoch.
const runDir = join(cache, "run-ben19");
rmSync(runDir, { recursive: true, force: true });
const t0 = performance.now();
const ours = await train({
  model: "kbranch", train: [trainShard], val: [testShard], out: runDir, epochs, batchSize: batch, lr: 1e-3, seed: 42,
  backend: "auto", resample: "tf1-bicubic", shuffleBuffer: 4000, checkpointEvery: 0, resume: false,
}, {
  onEpoch: (e) => process.stderr.write(
    `ben19 epoch ${e.epoch}: loss ${e.train_loss.toFixed(4)}, test micro-F1 ${e.val_micro_f1?.toFixed(4)}\n`),
});
const oursSeconds = (performance.now() - t0) / 1000;
const torchRun = await torch;
const torchCurve = torchRun?.curve;
const torchSeconds = torchRun?.seconds;

const oursCurve = ours.log.map((e) => e.val_micro_f1 ?? Number.NaN);
const gaps = oursCurve.map((v, i) => (torchCurve === undefined ? Number.NaN : v - (torchCurve[i] as number)));
const late = gaps.slice(9).filter((g) => Number.isFinite(g));
const lastFive = gaps.slice(-5).filter((g) => Number.isFinite(g));
const meanLastFive = lastFive.length > 0 ? lastFive.reduce((a, g) => a + g, 0) / lastFive.length : undefined;
const maxLate = late.length > 0 ? Math.max(...late.map((g) => Math.abs(g))) : undefined;
const verdict = {
  mean_gap_last_5_epochs: meanLastFive ?? null,
  max_gap_from_epoch_10: maxLate ?? null,
  final_gap: Number.isFinite(gaps.at(-1)) ? gaps.at(-1) : null,
  within_0_03: meanLastFive === undefined ? null : Math.abs(meanLastFive) <= 0.03,
};
const seconds = { ben19: oursSeconds, pytorch: torchSeconds ?? null };
const result = {
  bench: "learning", patches, epochs, batch, ben19: oursCurve, pytorch: torchCurve ?? null, ...verdict, seconds,
};
process.stdout.write(`${JSON.stringify(result)}\n\n`);
process.stdout.write("| epoch | ben19 test micro-F1 | PyTorch test micro-F1 | difference |\n|---:|---:|---:|---:|\n");
oursCurve.forEach((v, i) => process.stdout.write(`| ${i + 1} | ${v.toFixed(4)} | ${torchCurve?.[i]?.toFixed(4) ?? "-"} | ${Number.isFinite(gaps[i]) ? (gaps[i] as number).toFixed(4) : "-"} |\n`));
