// Every error class ben19 throws lives here. An error names the thing (patch, file, record), the value found,
// and the fix; `code` is stable so that workers can serialise errors and the CLI can map them to exit codes.

/** Longest value (in characters) embedded in a message, errors.json or a manifest. */
export const CLIP_CHARS = 300;

/** `text` cut to `max` characters, saying how much was cut (see io/bounded.ts). */
export function clip(text: string, max = CLIP_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters)`;
}

/** Fields that locate an error; all optional, printed in this order. */
export interface ErrorPlace {
  patch?: string | undefined;
  file?: string | undefined;
  record?: number | undefined;
  offset?: number | undefined;
}

/** A plain-object form of a Ben19Error, safe to post across a worker boundary. */
export interface SerializedError extends ErrorPlace {
  name: string;
  code: string;
  message: string;
  hint?: string | undefined;
}

/** Base class: a known failure with a stable code, a place, and a hint for the user. */
export class Ben19Error extends Error {
  override name = "Ben19Error";
  readonly code: string;
  readonly place: ErrorPlace;
  readonly hint: string | undefined;

  constructor(code: string, message: string, place: ErrorPlace = {}, hint?: string) {
    super(message);
    this.code = code;
    this.place = place;
    this.hint = hint;
  }

  /** One line for the user: place, message, and the fix when there is one. */
  describe(): string {
    const where = [
      this.place.patch !== undefined ? `patch ${this.place.patch}` : "",
      this.place.file !== undefined ? `file ${this.place.file}` : "",
      this.place.record !== undefined ? `record ${this.place.record}` : "",
      this.place.offset !== undefined ? `byte offset ${this.place.offset}` : "",
    ].filter((s) => s !== "");
    const head = where.length > 0 ? `${where.join(", ")}: ` : "";
    return `${head}${this.message}${this.hint !== undefined ? ` (${this.hint})` : ""}`;
  }

  toJSON(): SerializedError {
    return { name: this.name, code: this.code, message: this.message, hint: this.hint, ...this.place };
  }
}

/**
 * An option or argument has a value it cannot take. The library names options by their key (`batchSize`); the
 * CLI re-labels the error with the flag that set it (`--batch-size`, see `withLabel`). Flags are "option --x",
 * keys "option x", positional arguments (named in capitals, e.g. SHARDS) "argument SHARDS".
 */
export class OptionError extends Ben19Error {
  override name = "OptionError";
  readonly option: string;
  readonly value: unknown;
  readonly constraint: string;
  constructor(option: string, value: unknown, constraint: string) {
    const kind = /^[A-Z][A-Z0-9_]*$/.test(option) ? "argument" : "option";
    super("E_OPTION", `${kind} ${option}: got ${clip(JSON.stringify(value) ?? String(value))}, ${constraint}`);
    this.option = option;
    this.value = value;
    this.constraint = constraint;
  }

  /** The same error naming the option `label` (a CLI flag) instead of its key. */
  withLabel(label: string): OptionError {
    return new OptionError(label, this.value, this.constraint);
  }
}

/** `value` when it is a whole number from min to max, else an OptionError naming the option. */
export function intOption(name: string, value: number, min: number, max: number): number {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new OptionError(name, value, `expected an integer from ${min} to ${max}`);
  }
  return value;
}

/** The fix for a damaged TFRecord file, whichever reader finds it. */
export const DAMAGED_RECORD_HINT = "the file is damaged: regenerate it (ben19 prep) or restore it";

/** The fix for a record that lacks a feature or has one of the wrong kind: the schema every ben19 reader expects. */
export const SCHEMA_HINT = "expected BigEarthNet-19 records as ben19 prep and the reference " +
  "prep_splits_19_classes.py write them: int64 features B01…B12 and B8A (band pixels), " +
  "BigEarthNet-19_labels (bytes), BigEarthNet-19_labels_multi_hot (19 int64) and patch_name (bytes); " +
  "ben19 inspect FILE lists what the file holds";

/** A TFRecord file is damaged: bad length or data CRC, truncated frame, or an undecodable Example. */
export class CorruptRecordError extends Ben19Error {
  override name = "CorruptRecordError";
}

/** A patch folder, band file or label file cannot be read as BigEarthNet-S2 v1. */
export class PatchError extends Ben19Error {
  override name = "PatchError";
}

/** The WASM core could not be loaded or returned an unexpected status. */
export class WasmError extends Ben19Error {
  override name = "WasmError";
}

/** A saved model folder is missing a file, or its metadata is absent or inconsistent with its network. */
export class ModelError extends Ben19Error {
  override name = "ModelError";
}

/** Any thrown value as a SerializedError (unknown errors become E_UNEXPECTED), to cross a worker boundary as data.
 * `patch` is the place to record when the error names none. */
export function serializeError(e: unknown, patch?: string): SerializedError {
  const place = patch === undefined ? {} : { patch };
  if (e instanceof Ben19Error) return { ...e.toJSON(), ...(e.place.patch === undefined ? place : {}) };
  return { name: "Ben19Error", code: "E_UNEXPECTED", message: e instanceof Error ? e.message : String(e), ...place };
}

/** A TensorFlow checkpoint cannot be read, or does not fit the network it is imported into. */
export class CheckpointError extends Ben19Error {
  override name = "CheckpointError";
}

const CLASSES = {
  Ben19Error, OptionError, CorruptRecordError, PatchError, WasmError, ModelError, CheckpointError,
} as const;

/** Rebuilds the error class from its serialised form (e.g. after crossing a worker boundary). */
export function reviveError(e: SerializedError): Ben19Error {
  const { name, code, message, hint, ...place } = e;
  const err = new Ben19Error(code, message, place, hint);
  const cls = CLASSES[name as keyof typeof CLASSES];
  if (cls !== undefined && cls !== OptionError) Object.setPrototypeOf(err, cls.prototype);
  err.name = name;
  return err;
}
