// Decoding records with their place named (the core knows no file), and the check that each file's first record
// has the schema, run before a command creates any output.
import { Ben19Error, CorruptRecordError, type ErrorPlace } from "../core/errors.js";
import type { Core, DecodedPatch } from "../wasm/core.js";
import { readRecords } from "./reader.js";

/** The error with `place` filled in where it says nothing (decoding in the core knows no file). */
export function withPlace(e: unknown, place: ErrorPlace): unknown {
  if (!(e instanceof Ben19Error) || e.place.file !== undefined) return e;
  const located = new Ben19Error(e.code, e.message, { ...place, ...e.place }, e.hint);
  Object.setPrototypeOf(located, Object.getPrototypeOf(e) as object);
  located.name = e.name;
  return located;
}

/** Decodes a record of `file`, naming the file and record in any error. */
export function decodeAt(core: Core, data: Uint8Array, place: { file: string; record: number; offset?: number }):
  DecodedPatch {
  try {
    return core.decodePatch(data);
  } catch (e) {
    throw withPlace(e, place);
  }
}

/**
 * Decodes the first record of each file: a wrong-schema or damaged file fails here, named, before any work. With
 * `needsS1` (the mm layout) the record must be multi-modal (VV and VH).
 */
export async function checkFirstRecords(files: readonly string[], core: Core, needsS1 = false): Promise<void> {
  for (const file of files) {
    for await (const r of readRecords(file, core)) {
      const p = decodeAt(core, r.data, { file, record: r.index, offset: r.offset });
      if (needsS1 && !p.hasS1) {
        const message = `record ${r.index} (${p.patchName}) has no VV/VH features: ` +
          "the mm layout takes multi-modal records";
        const hint = "write MM records with `ben19 prep -r1 S1ROOT -r2 S2ROOT` (v1) or `prep --s1` (v2), " +
          "or train an S2 layout (leave --layout out)";
        throw new CorruptRecordError("E_NOT_MM", message, { file, record: r.index, offset: r.offset }, hint);
      }
      break;
    }
  }
}
