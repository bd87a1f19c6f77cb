// --update_json: add `BigEarthNet_19_labels` (underscore) to a patch's label file, as the reference does with
// Python's json.dump. The original files are json.dumps output (", " and ": " separators, ASCII escapes), so the
// file keeps that format: the key is appended textually when absent (nothing else in the file changes, not even
// number spellings), and the whole object is re-dumped in Python's format only when an old value must be replaced.
// Writes are atomic (temp file + rename) and skipped when the file already holds the right value.
import { pyString, pythonJsonDumps } from "../archive/pyjson.js";
import { writeFileDurable } from "../io/durable.js";
import { MAX_LABEL_FILE_BYTES } from "../archive/patch.js";
import { parseJsonBounded, readBoundedFile } from "../io/bounded.js";
import { PatchError } from "../core/errors.js";

export const UPDATE_JSON_KEY = "BigEarthNet_19_labels";

/**
 * Sets `BigEarthNet_19_labels` = names19 in the JSON file. Returns true when the file was rewritten, false when
 * it already held exactly this value.
 */
export function updatePatchJson(file: string, patch: string, names19: readonly string[]): boolean {
  const hint = "restore the file from the archive";
  const limits = {
    maxBytes: MAX_LABEL_FILE_BYTES, what: "the label file", code: "E_NOT_REGULAR", hint, patch, error: PatchError,
  };
  const text = readBoundedFile(file, limits).toString("utf8");
  const data = parseJsonBounded(text, { file, patch, hint, error: PatchError }) as Record<string, unknown>;
  const current = data[UPDATE_JSON_KEY];
  if (Array.isArray(current) && current.length === names19.length && current.every((v, i) => v === names19[i])) {
    return false;
  }
  let updated: string;
  const close = text.lastIndexOf("}");
  if (current === undefined && close > 0) {
    const empty = Object.keys(data).length === 0;
    const entry = `${pyString(UPDATE_JSON_KEY)}: ${pythonJsonDumps(names19)}`;
    updated = `${text.slice(0, close).trimEnd()}${empty ? "" : ", "}${entry}${text.slice(close)}`;
  } else {
    data[UPDATE_JSON_KEY] = [...names19];
    updated = pythonJsonDumps(data);
  }
  writeFileDurable(file, updated, { sync: false });
  return true;
}
