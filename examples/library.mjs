// The ben19 library from Node: a synthetic archive, prep, verify, reading records and training batches.
// Run from a clone (after npm install): node examples/library.mjs  — or in your project with ben19 installed.
import { createCore, createDataset, evaluate, loadModel, predict, prep, readRecords, synthArchive, train, verify }
  from "ben19";

const archive = await synthArchive({ out: "library-demo/archive", patches: 40, seed: 1, layout: "default" });
const run = await prep({ root: archive.out, out: "library-demo/tfrecords", splits: [archive.splits.train, archive.splits.val] });
console.log(`prep: ${run.manifest.splits.train.records} train records in ${run.seconds.toFixed(1)} s`);

const report = await verify({ out: "library-demo/tfrecords" });
console.log(`verify: ${report.ok ? "OK" : report.problems.map((p) => p.message).join("; ")} (${report.records} records)`);

// Every record of a shard, decoded by the WASM core: name, 19-class labels, the 12 bands as Uint16Arrays.
const core = await createCore();
for await (const r of readRecords("library-demo/tfrecords/val.tfrecord", core)) {
  const p = core.decodePatch(r.data);
  console.log(`${p.patchName}: ${p.labels.join("; ")} (B02: ${p.bands[1].length} pixels)`);
}

// Model-ready batches: z-scored, upsampled to 120×120 (stack10, as VGG/ResNet take it), shuffled, in parallel.
const data = createDataset({ files: "library-demo/tfrecords/train.tfrecord", layout: "stack10", batchSize: 8, shuffleBuffer: 64, seed: 1 });
for await (const batch of data.epoch(0)) {
  console.log(`batch ${batch.index}: inputs ${batch.inputs.map((i) => `${i.name} [${i.shape.join(", ")}]`).join(", ")}, labels [${batch.size}, 19]`);
}
await data.close();

// Train K-BranchCNN for one epoch, evaluate it with the reference's metrics, and predict patches (library calls,
// no CLI): the same functions `ben19 train`, `ben19 eval` and `ben19 predict` use.
const trained = await train({ model: "kbranch", train: ["library-demo/tfrecords/train.tfrecord"], out: "library-demo/run",
  epochs: 1, batchSize: 8, backend: "wasm", overwrite: true });
console.log(`train: model in ${trained.modelDir} (backend ${trained.backend.name})`);
const result = await evaluate({ model: "library-demo/run", data: ["library-demo/tfrecords/val.tfrecord"] });
console.log(`evaluate: ${result.count} patches, loss ${result.loss.toFixed(4)}, micro F1 ${result.metrics.micro_f1_score.toFixed(3)}`);
const model = await loadModel("library-demo/run");
for await (const p of predict(model, ["library-demo/tfrecords/val.tfrecord"])) {
  console.log(`predict: ${p.patch}: ${p.labels.map((l) => `${l.name} ${l.probability.toFixed(2)}`).join(", ") || "(none)"}`);
}
model.model.dispose();
