// Records → model input, shared by the worker and the in-process path (workers: 0), so both give the same bytes.
import { CLASS_COUNT_19, S1_PIXELS } from "../core/constants.js";
import { CorruptRecordError, serializeError } from "../core/errors.js";
import { referenceMask } from "../labels/clc.js";
import type { Core } from "../wasm/core.js";
import { buildInputFromCore } from "./input.js";
import { LAYOUTS } from "../contract/layouts.js";
import type { DecodedPiece, DecodeTask } from "./protocol.js";

/**
 * A float32 array whose every value the caller writes: its memory is not zeroed first. At ~18 MB per stack10 batch
 * of 32, zeroing fresh pages that layoutInto overwrites at once cost about as much as a quarter of the layout.
 */
function unfilled(length: number): Float32Array {
  return new Float32Array(Buffer.allocUnsafeSlow(length * Float32Array.BYTES_PER_ELEMENT).buffer, 0, length);
}

const since = (t: number): number => (performance.now() - t) / 1000;

/** The reference map of the record just decoded, or a named error when it has none. */
function referenceMapOf(core: Core, patch: string): Uint16Array {
  const map = core.referenceMap();
  if (map !== undefined) return map;
  throw new CorruptRecordError("E_NO_REFERENCE_MAP", `record of ${patch} has no reference_map feature`, { patch },
    "write records with reference maps (`ben19 prep --reference-maps`), or leave the referenceMasks option off");
}

/** Decodes every record of the task in order; stops at the first bad record and reports it as data. */
export function decodePiece(core: Core, task: DecodeTask): DecodedPiece {
  const started = performance.now();
  const n = task.records.length;
  const inputs = LAYOUTS[task.layout].map((t) => unfilled(n * t.side * t.side * t.bands.length));
  const labels = new Float32Array(n * CLASS_COUNT_19);
  const names: string[] = [];
  const masks = task.referenceMasks ? new Uint8Array(n * S1_PIXELS) : undefined;
  const spent = task.records.map((r) => r.buffer);
  for (let i = 0; i < n; i++) {
    try {
      // The bands stay in the core: CRC-checked, decoded and laid out without crossing the boundary again.
      const p = core.decodePatchInPlace(task.records[i] as Uint8Array, task.crcs[i] as number);
      buildInputFromCore(core, task, inputs, i);
      labels.set(p.multiHot, i * CLASS_COUNT_19);
      if (masks !== undefined) referenceMask(referenceMapOf(core, p.patchName), masks, i * S1_PIXELS);
      names.push(p.patchName);
    } catch (e) {
      const error = { index: i, error: serializeError(e) };
      return { names, inputs, labels, masks, error, spent, seconds: since(started) };
    }
  }
  return { names, inputs, labels, masks, error: null, spent, seconds: since(started) };
}
