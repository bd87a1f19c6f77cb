// One end-to-end check of `ben19 import-tf1` for a network: a reference-named checkpoint with random values
// (reference-ckpt.ts) → the CLI (model inferred) → the model folder loaded as predict loads it → (1) every ben19
// weight equals, exactly, one checkpoint variable, each variable used once; (2) the logits on a fixed input equal
// those of the reference network computed independently from the same arrays (reference-nets.ts).
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { run } from "../../src/cli/index.js";
import { memoryIo } from "../../src/cli/io.js";
import { selectBackend } from "../../src/runtime/backend.js";
import { loadModel } from "../../src/models/io.js";
import { tf } from "../../src/runtime/tf.js";
import { logitsModel } from "../../src/training/logits.js";
import { createCore } from "../../src/wasm/core.js";
import { tempDir } from "./fixtures.js";
import { writeReferenceCheckpoint } from "./reference-ckpt.js";
import { referenceLogits, RefNet, type RefModel } from "./reference-nets.js";
import { writeZip } from "./zip-writer.js";

type T4 = tf.Tensor4D;

const digest = (a: Float32Array): string =>
  createHash("sha1").update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength)).digest("hex");

export interface ImportCheck {
  /** Pass the checkpoint as a zip (deflated when small) rather than a folder. */
  zip: boolean;
  batch: number;
  shards?: number;
}

export async function checkImport(model: RefModel, o: ImportCheck): Promise<{ seconds: number; maxLogit: number }> {
  const started = performance.now();
  const dir = tempDir(`import-${model}-`);
  const core = await createCore();
  const prefix = join(dir, "ckpt", model, "model.ckpt-6000");
  const ck = writeReferenceCheckpoint(model, prefix, 7, core, { shards: o.shards ?? 1, snappy: true });
  let input = join(dir, "ckpt");
  if (o.zip) {
    input = join(dir, `${model}.zip`);
    const folder = dirname(ck.prefix);
    const members = readdirSync(folder).map((f) => ({ name: `${model}/${f}`, data: readFileSync(join(folder, f)) }));
    writeZip(input, members, false); // stored: deflating hundreds of MB of random floats only costs time here
  }
  const out = join(dir, "imported");
  const io = memoryIo();
  assert.equal(await run(["import-tf1", input, "-o", out, "--json"], io), 0, io.stderr);
  type Sources = { file: string; sha256: string }[];
  type Result = { model: string; loaded: number; ignored: string[]; ones_filled: number; sources: Sources };
  const r = JSON.parse(io.stdout) as Result;
  assert.equal(r.model, model);
  assert.equal(r.loaded, ck.values.size);
  assert.equal(r.ones_filled, 0);
  assert.deepEqual([...r.ignored].sort(), [...ck.extras].sort());
  assert.ok(r.sources.length >= 1 && r.sources.every((s) => /^[0-9a-f]{64}$/.test(s.sha256)));
  type Meta = { model: string; resample: string; training: { imported_from: { files: Sources } } };
  const meta = JSON.parse(readFileSync(join(out, "ben19.json"), "utf8")) as Meta;
  assert.equal(meta.model, model);
  assert.equal(meta.resample, "tf1-bicubic");
  if (o.zip) {
    const sha256 = createHash("sha256").update(readFileSync(input)).digest("hex");
    assert.deepEqual(meta.training.imported_from.files, [{ file: basename(input), sha256 }]);
  }

  await selectBackend("wasm");
  const loaded = await loadModel(out);
  // (1) Weights: each equals one checkpoint variable exactly (random values make every array distinct).
  const byDigest = new Map([...ck.values].map(([name, v]) => [digest(v), name]));
  const matched = new Set<string>();
  for (const w of loaded.model.weights) {
    const name = byDigest.get(digest((await w.read().data()) as Float32Array));
    assert.ok(name !== undefined, `${w.originalName} equals no checkpoint variable`);
    matched.add(name);
  }
  assert.equal(matched.size, ck.values.size, "every checkpoint variable is used exactly once");

  // (2) Logits on a fixed input: ben19's network vs the reference written in plain ops from the same arrays.
  const inputs = loaded.model.inputs.map((i, k) =>
    tf.randomNormal([o.batch, ...(i.shape.slice(1) as [number, number, number])], 0, 1, "float32", 100 + k) as T4);
  const ours = (await (logitsModel(loaded.model).predict(inputs) as tf.Tensor).data()) as Float32Array;
  const refNet = new RefNet((name) => ck.values.get(name) as Float32Array);
  const refT = tf.tidy(() => referenceLogits(model, refNet, inputs) as tf.Tensor2D);
  const ref = (await refT.data()) as Float32Array;
  assert.deepEqual(refT.shape, [o.batch, 19]);
  const scale = Math.max(1, ...Array.from(ref, Math.abs));
  let worst = 0;
  for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs((ours[i] as number) - (ref[i] as number)));
  assert.ok(worst <= 1e-3 * scale, `${model}: logits differ by ${worst} (scale ${scale})`);
  // The outputs must not be trivially equal (e.g. all zero).
  assert.ok(new Set(Array.from(ref, (x) => x.toFixed(3))).size > 10, `${model}: degenerate logits`);
  tf.dispose([...inputs, refT]);
  loaded.model.dispose();
  return { seconds: (performance.now() - started) / 1000, maxLogit: scale };
}
