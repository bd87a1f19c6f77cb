// The ben19 library from Node: a synthetic archive, prep, verify, reading records and training batches.
// Run from a clone (after npm install): node examples/library.mjs  — or in your project with ben19 installed.
import { createCore, createDataset, prep, readRecords, synthArchive, verify } from "ben19";

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
