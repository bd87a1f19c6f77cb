// The learning check (not part of `npm test`; takes tens of minutes): on a 2,000-patch synth archive, train
// K-BranchCNN for 20 epochs (batch 32, Adam 1e-3) and report the test micro-F1 per epoch next to the same network
// trained the same way in PyTorch (bench/torch_learning.py, when Debian's python3-torch is installed), and whether
// the two curves agree within 0.05 from epoch 10 on.
//   node --import tsx bench/learning.ts [--patches 2000] [--epochs 20] [--batch 32]
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createDataset } from "../src/dataset/dataset.js";
import { encodeNpy } from "../src/dataset/npy.js";
import { prep } from "../src/prep/run.js";
import { synthArchive } from "../src/synth/index.js";
import { train } from "../src/training/train.js";
import { pythonWith } from "./python.js";

const { values } = parseArgs({ options: { patches: { type: "string", default: "2000" }, epochs: { type: "string", default: "20" }, batch: { type: "string", default: "32" } } });
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

// Ours: the test split as validation, so log.jsonl holds the test micro-F1 after every epoch.
const runDir = join(cache, "run-ben19");
rmSync(runDir, { recursive: true, force: true });
const t0 = performance.now();
const ours = await train({
  model: "kbranch", train: [trainShard], val: [testShard], out: runDir, epochs, batchSize: batch, lr: 1e-3, seed: 42,
  backend: "auto", resample: "tf1-bicubic", shuffleBuffer: 4000, checkpointEvery: 0, resume: false,
}, { onEpoch: (e) => process.stderr.write(`ben19 epoch ${e.epoch}: loss ${e.train_loss.toFixed(4)}, test micro-F1 ${e.val_micro_f1?.toFixed(4)}\n`) });
const oursSeconds = (performance.now() - t0) / 1000;

// PyTorch: the very same model inputs (our pipeline's kbranch tensors) exported as .npy.
const npy = join(cache, "npy");
async function exportSplit(file: string, name: string): Promise<void> {
  const ds = createDataset({ files: [file], layout: "kbranch", batchSize: 1 << 20, workers: 0 });
  for await (const b of ds.epoch(0)) {
    for (const t of b.inputs) writeFileSync(join(npy, `${name}_${t.name}.npy`), encodeNpy(t.data, t.shape));
    writeFileSync(join(npy, `${name}_labels.npy`), encodeNpy(b.labels, [b.size, 19]));
  }
  await ds.close();
}
const python = pythonWith("torch, numpy");
let torchCurve: number[] | undefined;
let torchSeconds: number | undefined;
if (python !== undefined) {
  mkdirSync(npy, { recursive: true });
  await exportSplit(trainShard, "train");
  await exportSplit(testShard, "test");
  const t1 = performance.now();
  const r = spawnSync(python, [join(import.meta.dirname, "torch_learning.py"), npy, String(epochs), String(batch)], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  torchSeconds = (performance.now() - t1) / 1000;
  if (r.status === 0) torchCurve = JSON.parse(r.stdout) as number[];
  else process.stderr.write("learning: the PyTorch run failed\n");
} else process.stderr.write("learning: PyTorch (Debian python3-torch) not installed; ben19's curve only\n");

const oursCurve = ours.log.map((e) => e.val_micro_f1 ?? Number.NaN);
const gaps = oursCurve.map((v, i) => (torchCurve === undefined ? Number.NaN : v - (torchCurve[i] as number)));
const late = gaps.slice(9).filter((g) => Number.isFinite(g));
const agree = late.length > 0 ? late.every((g) => Math.abs(g) <= 0.05) : undefined;
process.stdout.write(`${JSON.stringify({ bench: "learning", patches, epochs, batch, ben19: oursCurve, pytorch: torchCurve ?? null, agreeFromEpoch10: agree ?? null, seconds: { ben19: oursSeconds, pytorch: torchSeconds ?? null } })}\n\n`);
process.stdout.write("| epoch | ben19 test micro-F1 | PyTorch test micro-F1 | difference |\n|---:|---:|---:|---:|\n");
oursCurve.forEach((v, i) => process.stdout.write(`| ${i + 1} | ${v.toFixed(4)} | ${torchCurve?.[i]?.toFixed(4) ?? "-"} | ${Number.isFinite(gaps[i]) ? (gaps[i] as number).toFixed(4) : "-"} |\n`));
