// prep's worker: reads a run of patches, encodes each into a framed TFRecord record with the WASM core, and
// hands the records back in one moved buffer: the one the task brought when it is large enough (the main thread
// sends each written batch's buffer out again with a later task), so a batch costs no allocation and no copy
// beyond the core's output. Patch errors are returned as data, never thrown, so the main thread decides (fail or
// skip) in CSV order, whatever worker finished first.
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { importSibling, moving } from "../pool/pool.js";
import { readPatch, readPatchDir, readPatchFromFiles, type PatchData, type PatchTiming } from "../archive/patch.js";
import { readTarPatch } from "../archive/tar.js";
import { CLASS_COUNT_19 } from "../core/constants.js";
import { PatchError, serializeError, type SerializedError } from "../core/errors.js";
import { multiHot19, names19 } from "../labels/convert.js";
import { createCore, type Core } from "../wasm/core.js";
import { RECORDS_BUFFER_BYTES, type EncodedBatch, type EncodeTask } from "./protocol.js";
import { updatePatchJson } from "./update-json.js";

// The core is compiled as the worker starts, while the main thread is still checking the patches.
const core: Promise<Core> = createCore();
core.catch(() => undefined); // its error is the first task's
// The reBEN and MM modules are loaded on a worker's first such task (see v2-worker.ts).
type V2 = typeof import("./v2-worker.js");
type Mm = typeof import("./mm-worker.js");
let v2: Promise<V2> | undefined;
let mm: Promise<Mm> | undefined;
/** Largest framed record the core can produce (its I/O window). */
const MAX_RECORD = 393216;

/** Patch i of the task, from whichever input the task names (see protocol.ts). */
function readTaskPatch(task: EncodeTask, i: number, timing: PatchTiming, reben: V2 | undefined): Promise<PatchData> {
  const name = task.names[i] as string;
  // reBEN patches have no label JSON: their labels come with the task. Bands are encoded before the next read.
  const opts = { labels: reben === undefined, timing, reuse: true };
  if (task.files !== undefined) return readPatchFromFiles(name, task.files[i] ?? undefined, task.root, opts);
  if (task.ranges !== undefined) {
    const r = task.ranges[i];
    const files = r === null || r === undefined ? undefined : readTarPatch(task.root, name, r[0], r[1]);
    return readPatchFromFiles(name, files, task.root, opts);
  }
  return reben === undefined ? readPatch(task.root, name, opts) : readPatchDir(reben.v2PatchDir(task.root, name), opts);
}

/** A reBEN patch's 19-class multi-hot from the task (checked before its files are read); undefined for v1.0. */
function taskMultiHot(task: EncodeTask, i: number, reben: V2 | undefined): Uint8Array | undefined {
  if (task.masks === undefined || reben === undefined) return undefined;
  const mask = task.masks[i] as number;
  if (mask < 0) {
    const hint = "check the patch id in the split CSV, or pass --metadata the metadata.parquet of this archive";
    throw new PatchError("E_NOT_IN_METADATA", "the patch is not in the metadata", { patch: task.names[i] }, hint);
  }
  return reben.maskToMultiHot(mask);
}

/** `buf` with room for `need` bytes: itself, or a larger copy of its first `used` bytes. */
function room(buf: Uint8Array<ArrayBuffer>, used: number, need: number): Uint8Array<ArrayBuffer> {
  if (need <= buf.length) return buf;
  const bigger = new Uint8Array(Math.max(buf.length * 2, need));
  bigger.set(buf.subarray(0, used));
  return bigger;
}

/** Encodes task.names in order; see EncodedBatch. */
export default async function encodeBatch(task: EncodeTask): Promise<EncodedBatch> {
  const wasm = await core;
  const reben = task.masks === undefined ? undefined : await (v2 ??= importSibling<V2>(import.meta.url, "v2-worker"));
  const mmw = task.mm === undefined ? undefined : await (mm ??= importSibling<Mm>(import.meta.url, "mm-worker"));
  const n = task.names.length;
  let out = task.out === undefined ? new Uint8Array(RECORDS_BUFFER_BYTES) : new Uint8Array(task.out);
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
      const known = taskMultiHot(task, i, reben);
      const patch = await readTaskPatch(task, i, timing, reben);
      const hot = known ?? multiHot19(patch.labels43 ?? []);
      if (task.updateJson) {
        updatePatchJson(join(task.root, name, `${name}_labels_metadata.json`), name, names19(hot));
      }
      const t1 = performance.now();
      let size: number;
      if (task.mm === undefined || mmw === undefined) {
        out = room(out, used, used + MAX_RECORD);
        size = wasm.encodeRecordInto({ patchName: name, bands: patch.bands, multiHot: hot }, out, used);
      } else {
        // The S1 files are read within the encoding phase: their time moves to the reading phase (decoding included,
        // which the result then separates out as for S2).
        const before = timing.readMs + timing.decodeMs;
        const record = await mmw.mmRecord(wasm, task.mm, i, patch, hot, timing);
        const s1Ms = timing.readMs + timing.decodeMs - before;
        readMs += s1Ms;
        encodeMs -= s1Ms;
        out = room(out, used, used + record.length);
        out.set(record, used);
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
  const records = out.subarray(0, used);
  // readMs: the whole reading phase (files, labels) less the decoding in it.
  const result: EncodedBatch = {
    records, sizes, multiHot, errors, readMs: readMs - timing.decodeMs, decodeMs: timing.decodeMs, encodeMs,
  };
  // The result object travels by structured clone, its two buffers are moved.
  return moving(result, [out.buffer, multiHot.buffer]);
}
