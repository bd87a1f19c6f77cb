// Reading untrusted input within bounds. An archive file is opened without blocking (a FIFO would otherwise hang the
// open forever), must be a regular file (fstat on the open descriptor, so it is the file read), and its size is
// checked against a cap before a byte is read (a 1.5 GB sparse "band" is refused, not read). JSON is parsed only
// after its size and nesting depth are checked (a 200,000-deep array overflows V8's parser stack with a message
// that names no file). And any value put into a message, errors.json or a manifest is clipped to a few hundred
// characters, so a 50 MB labels array cannot become a 50 MB error line.
import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";
import { Ben19Error, clip } from "../core/errors.js";

export { clip, CLIP_CHARS } from "../core/errors.js";

export interface BoundedRead {
  /** Largest size accepted, in bytes. */
  maxBytes: number;
  /** What the file is, for messages ("band B04", "the label file"). */
  what: string;
  /** The error's code for a file that is not regular (E_FILE_TOO_LARGE for one over the cap), and the fix. */
  code: string;
  hint: string;
  patch?: string | undefined;
  /** The error class thrown (default Ben19Error; PatchError for a patch's files). */
  error?: typeof Ben19Error | undefined;
}

/**
 * The bytes of `file`, read through one descriptor after checking it is a regular file of at most maxBytes.
 * Open errors (ENOENT, EACCES, …) are thrown as they come, for the caller to name.
 */
export function readBoundedFile(file: string, o: BoundedRead): Buffer {
  const buf = readBounded(file, o, (size) => Buffer.allocUnsafe(size));
  return Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
}

/**
 * The same check and read into a buffer of the caller's: `into(size)` returns a buffer of at least `size` bytes
 * (prep's workers pass one they reuse, so that reading a patch allocates nothing per file). Returns the bytes read,
 * a view of that buffer: at most the size fstat gave (a file growing meanwhile is read up to it), fewer when it
 * shrank (what is there is checked by the decoder). One open, fstat, read and close for a file of the archive.
 */
export function readBounded(file: string, o: BoundedRead, into: (size: number) => Uint8Array): Uint8Array {
  const fd = openSync(file, OPEN_FLAGS);
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) {
      const kind = st.isDirectory() ? "a folder" : st.isFIFO() ? "a named pipe (FIFO)" : st.isSocket() ? "a socket"
        : "a device or other special file";
      throw new (o.error ?? Ben19Error)(o.code, `${o.what} is ${kind}, not a regular file`, place(file, o), o.hint);
    }
    if (st.size > o.maxBytes) {
      const message = `${o.what} is ${st.size} bytes, more than the ${o.maxBytes} accepted`;
      throw new (o.error ?? Ben19Error)("E_FILE_TOO_LARGE", message, place(file, o), o.hint);
    }
    const buf = into(st.size);
    let got = 0;
    while (got < st.size) {
      const n = readSync(fd, buf, got, st.size - got, got);
      if (n === 0) break;
      got += n;
    }
    return buf.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

/** Read-only, and without blocking: a FIFO would otherwise hang the open. */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

function place(file: string, o: BoundedRead): { patch: string | undefined; file: string } {
  return { patch: o.patch, file };
}

export interface JsonLimits {
  maxBytes: number;
  maxDepth: number;
}

/** Limits for small JSON files ben19 reads: label files, journals, manifests, model metadata. */
export const JSON_LIMITS: JsonLimits = { maxBytes: 64 << 20, maxDepth: 64 };

/** The deepest nesting of arrays and objects in JSON text, stopping early past `limit` (strings are skipped). */
function depthOf(text: string, limit: number): number {
  let depth = 0;
  let max = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) i++;
        else if (d === 0x22) break;
      }
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) max = depth;
      if (max > limit) return max;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return max;
}

export interface JsonSource {
  file: string;
  patch?: string | undefined;
  /** The fix, for every error. */
  hint: string;
  limits?: JsonLimits | undefined;
  error?: typeof Ben19Error | undefined;
}

/**
 * JSON.parse after checking the text's size and nesting depth; a violation or a syntax error is thrown as
 * E_BAD_JSON naming the file (and patch) with the hint.
 */
export function parseJsonBounded(text: string, src: JsonSource): unknown {
  const place = { patch: src.patch, file: src.file };
  const limits = src.limits ?? JSON_LIMITS;
  const E = src.error ?? Ben19Error;
  const hint = src.hint;
  if (text.length > limits.maxBytes) {
    const message = `the JSON file is ${text.length} characters, more than the ${limits.maxBytes} accepted`;
    throw new E("E_BAD_JSON", message, place, hint);
  }
  if (depthOf(text, limits.maxDepth) > limits.maxDepth) {
    throw new E("E_BAD_JSON", `the JSON nests deeper than ${limits.maxDepth} levels`, place, hint);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new E("E_BAD_JSON", `malformed JSON: ${clip((e as Error).message)}`, place, hint);
  }
}
