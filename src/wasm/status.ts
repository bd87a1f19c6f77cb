// The one table that turns the core's status codes into named errors (codes live in src/core/constants.ts).
import * as C from "../core/constants.js";
import { CorruptRecordError, SCHEMA_HINT, WasmError, type Ben19Error, type ErrorPlace } from "../core/errors.js";

/** The feature keys in sorted order, as the core reports a feature index in its status detail. */
export const SORTED_KEYS = [
  "B01", "B02", "B03", "B04", "B05", "B06", "B07", "B08", "B09", "B11", "B12", "B8A",
  "BigEarthNet-19_labels", "BigEarthNet-19_labels_multi_hot", "patch_name",
] as const;

/** The optional features of multi-modal records, numbered after SORTED_KEYS in the order of assembly/keys.ts. */
export const MM_KEYS = [C.KEY_VV, C.KEY_VH, C.KEY_PATCH_NAME_S1, C.KEY_PATCH_NAME_S2, C.KEY_REFERENCE_MAP] as const;
const FEATURE_KEYS: readonly string[] = [...SORTED_KEYS, ...MM_KEYS];

const MESSAGES: Record<number, [code: string, message: (feature: string) => string]> = {
  [C.STATUS_TOO_LARGE]: ["E_TOO_LARGE", () => "the record does not fit the core's arena"],
  [C.STATUS_BAD_VARINT]: ["E_BAD_VARINT", () => "a protobuf varint runs past its message or over 10 bytes"],
  [C.STATUS_TRUNCATED]: ["E_TRUNCATED_MESSAGE", () => "a protobuf field runs past the end of its message"],
  [C.STATUS_BAD_WIRE_TYPE]: ["E_BAD_WIRE_TYPE", () => "a protobuf field has an undefined wire type"],
  [C.STATUS_MISSING_FEATURE]: ["E_MISSING_FEATURE", (f) => `feature ${f} is missing`],
  [C.STATUS_BAD_FEATURE]: ["E_BAD_FEATURE", (f) => `feature ${f} has the wrong kind or number of values`],
  [C.STATUS_BAD_VALUE]: ["E_BAD_VALUE", (f) => `feature ${f} has a value out of range (bands 0..65535, multi-hot 0/1)`],
  [C.STATUS_TOO_MANY]: ["E_TOO_MANY", () => "too many features or labels"],
  [C.STATUS_BAD_LENGTH_CRC]: ["E_BAD_LENGTH_CRC", () => "the CRC of the record length does not match"],
  [C.STATUS_BAD_DATA_CRC]: ["E_BAD_DATA_CRC", () => "the CRC of the record data does not match"],
  [C.STATUS_BAD_ARGUMENT]: ["E_BAD_ARGUMENT", () => "a size, method or statistic the kernel does not take"],
};

/** The error for a non-ok status; decoding errors are CorruptRecordError, others WasmError. */
export function statusError(status: number, detail: number, place: ErrorPlace = {}): Ben19Error {
  const entry = MESSAGES[status];
  const feature = FEATURE_KEYS[detail] ?? `#${detail}`;
  if (entry === undefined) {
    return new WasmError("E_WASM_STATUS", `the WASM core returned unknown status ${status}`, place);
  }
  const [code, message] = entry;
  const cls = status === C.STATUS_TOO_LARGE || status === C.STATUS_BAD_ARGUMENT ? WasmError : CorruptRecordError;
  const schema = status === C.STATUS_MISSING_FEATURE || status === C.STATUS_BAD_FEATURE;
  return new cls(code, message(feature), place, schema ? SCHEMA_HINT : undefined);
}
