// An independent tf.train.Example encoder for tests: protobufjs with a schema written from the field numbers. Map
// entries are declared as a repeated message (key = 1, value = 2) and given in sorted key order, which is what
// protobuf's deterministic serialization writes.
import protobuf from "protobufjs";
import { BAND_NAMES } from "../../src/core/bands.js";
import { LABELS_19 } from "../../src/labels/nomenclature.js";
import type { ExampleInput } from "../../src/wasm/core.js";

const root = protobuf.Root.fromJSON({
  nested: {
    BytesList: { fields: { value: { rule: "repeated", type: "bytes", id: 1 } } },
    FloatList: { fields: { value: { rule: "repeated", type: "float", id: 1, options: { packed: true } } } },
    Int64List: { fields: { value: { rule: "repeated", type: "int64", id: 1, options: { packed: true } } } },
    Feature: { oneofs: { kind: { oneof: ["bytesList", "floatList", "int64List"] } }, fields: { bytesList: { type: "BytesList", id: 1 }, floatList: { type: "FloatList", id: 2 }, int64List: { type: "Int64List", id: 3 } } },
    Entry: { fields: { key: { type: "string", id: 1 }, value: { type: "Feature", id: 2 } } },
    Features: { fields: { feature: { rule: "repeated", type: "Entry", id: 1 } } },
    Example: { fields: { features: { type: "Features", id: 1 } } },
  },
});
const Example = root.lookupType("Example");

/** One feature as protobufjs takes it: { int64List | floatList | bytesList: { value: [...] } }. */
export type FeatureValue = { int64List: { value: number[] } } | { floatList: { value: number[] } } | { bytesList: { value: Uint8Array[] } };

/** The serialized Example of the entries, in bytewise-sorted key order. */
export function encodeEntries(entries: readonly Entry[]): Uint8Array {
  const sorted = [...entries].sort((a, b) => Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)));
  return Example.encode(Example.fromObject({ features: { feature: sorted } })).finish();
}

export type Entry = { key: string; value: FeatureValue };
const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

/** The S2 features of FACTS.md (12 bands, labels, multi-hot), and patch_name unless `withName` is false. */
export function s2Entries(x: ExampleInput, withName = true): Entry[] {
  const entries: Entry[] = BAND_NAMES.map((b, i) => ({ key: b as string, value: { int64List: { value: Array.from(x.bands[i] as Uint16Array) } } }));
  const labels = LABELS_19.filter((_, k) => x.multiHot[k] === 1).map((n) => ascii(n));
  entries.push({ key: "BigEarthNet-19_labels", value: { bytesList: { value: labels } } });
  entries.push({ key: "BigEarthNet-19_labels_multi_hot", value: { int64List: { value: Array.from(x.multiHot) } } });
  if (withName) entries.push({ key: "patch_name", value: { bytesList: { value: [ascii(x.patchName)] } } });
  return entries;
}

/** The multi-modal record of V2-AND-S1.md: S2 features, VV/VH float_list, patch_name_s1/_s2, optional reference_map. */
export interface MmExample extends ExampleInput {
  s1Name: string;
  vv: Float32Array;
  vh: Float32Array;
  referenceMap?: Uint16Array;
}

export function encodeMm(x: MmExample): Uint8Array {
  const entries = s2Entries(x, false);
  entries.push({ key: "VV", value: { floatList: { value: Array.from(x.vv) } } });
  entries.push({ key: "VH", value: { floatList: { value: Array.from(x.vh) } } });
  entries.push({ key: "patch_name_s1", value: { bytesList: { value: [ascii(x.s1Name)] } } });
  entries.push({ key: "patch_name_s2", value: { bytesList: { value: [ascii(x.patchName)] } } });
  if (x.referenceMap !== undefined) entries.push({ key: "reference_map", value: { int64List: { value: Array.from(x.referenceMap) } } });
  return encodeEntries(entries);
}
