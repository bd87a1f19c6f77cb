// prep's worker: reads a run of patches, encodes each into a framed TFRecord record with the WASM core, and
// hands the records back as one moved buffer. Patch errors are returned as data, never thrown, so the main
// thread decides (fail or skip) in CSV order, whatever worker finished first.
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { moving } from "../pool/pool.js";
import { readPatch, readPatchDir, readPatchFromFiles, type PatchData, type PatchTiming } from "../archive/patch.js";
import { readTarPatch } from "../archive/tar.js";
import { v2PatchDir } from "../archive/v2/layout.js";
import { maskToMultiHot } from "../archive/v2/metadata.js";
import { CLASS_COUNT_19 } from "../core/constants.js";
import { PatchError, serializeError, type SerializedError } from "../core/errors.js";
import { multiHot19, names19 } from "../labels/convert.js";
import { createCore, type Core } from "../wasm/core.js";
import { mmRecord } from "./mm-worker.js";
import type { EncodedBatch, EncodeTask } from "./protocol.js";
import { updatePatchJson } from "./update-json.js";

let core: Promise<Core> | undefined;
/** Scratch for one task's records, reused across tasks; each task's result is one copy out of it. */
let scratch = new Uint8Array(8 << 20);
/** Largest framed record the core can produce (its I/O window). */
const MAX_RECORD = 393216;

/** Patch i of the task, from whichever input the task names (see protocol.ts). */
function readTaskPatch(task: EncodeTask, i: number, timing: PatchTiming): Promise<PatchData> {
  const name = task.names[i] as string;
  // reBEN patches have no label JSON: their labels come with the task.
  const opts = { labels: task.masks === undefined, timing };
  if (task.files !== undefined) return readPatchFromFiles(name, task.files[i] ?? undefined, task.root, opts);
  if (task.ranges !== undefined) {
    const r = task.ranges[i];
    const files = r === null || r === undefined ? undefined : readTarPatch(task.root, name, r[0], r[1]);
    return readPatchFromFiles(name, files, task.root, opts);
  }
  return task.masks === undefined ? readPatch(task.root, name, opts) : readPatchDir(v2PatchDir(task.root, name), opts);
}

/** A reBEN patch's 19-class multi-hot from the task (checked before its files are read); undefined for v1.0. */
function taskMultiHot(task: EncodeTask, i: number): Uint8Array | undefined {
  if (task.masks === undefined) return undefined;
  const mask = task.masks[i] as number;
  if (mask < 0) {
    const hint = "check the patch id in the split CSV, or pass --metadata the metadata.parquet of this archive";
    throw new PatchError("E_NOT_IN_METADATA", "the patch is not in the metadata", { patch: task.names[i] }, hint);
  }
  return maskToMultiHot(mask);
}

/** Encodes task.names in order; see EncodedBatch. */
export default async function encodeBatch(task: EncodeTask): Promise<EncodedBatch> {
  const wasm = await (core ??= createCore());
  const n = task.names.length;
  let used = 0;
  const sizes: number[] = new Array<number>(n).fill(0);
  const multiHot = new Uint8Array(n * CLASS_COUNT_19);
  const errors: (SerializedError | null)[] = new Array<SerializedError | null>(n).fill(null);
  const timing: PatchTiming = { readMs: 0, decodeMs: 0 };
  let readMs = 0;
  let encodeMs = 0;
  for (let i = 0; i < n; i++) {
    const name = task.names[i] as string;
    try {
      const t0 = performance.now();
      const known = taskMultiHot(task, i);
      const patch = await readTaskPatch(task, i, timing);
      const hot = known ?? multiHot19(patch.labels43 ?? []);
      if (task.updateJson) {
        updatePatchJson(join(task.root, name, `${name}_labels_metadata.json`), name, names19(hot));
      }
      const t1 = performance.now();
      if (used + MAX_RECORD > scratch.length) {
        const bigger = new Uint8Array(scratch.length * 2);
        bigger.set(scratch.subarray(0, used));
        scratch = bigger;
      }
      let size: number;
      if (task.mm === undefined) {
        size = wasm.encodeRecordInto({ patchName: name, bands: patch.bands, multiHot: hot }, scratch, used);
      }
      else {
        // The S1 files are read within the encoding phase: their time moves to the reading phase (decoding included,
        // which the result then separates out as for S2).
        const before = timing.readMs + timing.decodeMs;
        const record = await mmRecord(wasm, task.mm, i, patch, hot, timing);
        const s1Ms = timing.readMs + timing.decodeMs - before;
        readMs += s1Ms;
        encodeMs -= s1Ms;
        if (used + record.length > scratch.length) {
          const bigger = new Uint8Array(Math.max(scratch.length * 2, used + record.length));
          bigger.set(scratch.subarray(0, used));
          scratch = bigger;
        }
        scratch.set(record, used);
        size = record.length;
      }
      encodeMs += performance.now() - t1;
      readMs += t1 - t0;
      used += size;
      sizes[i] = size;
      multiHot.set(hot, i * CLASS_COUNT_19);
    } catch (e) {
      errors[i] = serializeError(e, name);
    }
  }
  const records = scratch.slice(0, used);
  // readMs: the whole reading phase (files, labels) less the decoding in it.
  const result: EncodedBatch = {
    records, sizes, multiHot, errors, readMs: readMs - timing.decodeMs, decodeMs: timing.decodeMs, encodeMs,
  };
  // The result object travels by structured clone, its two buffers are moved.
  return moving(result, [records.buffer, multiHot.buffer]);
}
