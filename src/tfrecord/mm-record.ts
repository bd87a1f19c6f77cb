// Building and splitting MM records (mm-schema.ts). The WASM core encodes the S2 part (12 bands, labels,
// multi-hot, patch_name) exactly as for S2 records; an MM record is that Example with its last map entry,
// `patch_name`, replaced by VH, VV, patch_name_s1, patch_name_s2 (and reference_map), which all sort after the
// labels: so the entries stay in bytewise key order, as protobuf's deterministic serialization writes them.
import { CorruptRecordError } from "../core/errors.js";
import { Message, varint } from "../export/protobuf.js";
import {
  KEY_PATCH_NAME, KEY_PATCH_NAME_S1, KEY_PATCH_NAME_S2, KEY_REFERENCE_MAP, KEY_VH, KEY_VV, S1_PIXELS,
} from "./mm-schema.js";

export interface MmParts {
  s1Name: string;
  s2Name: string;
  /** 14,400 float32 values each, row-major. */
  vv: Float32Array;
  vh: Float32Array;
  /** reBEN: 14,400 CLC codes. */
  referenceMap?: Uint16Array | undefined;
}

const utf8 = new TextEncoder();

// Feature oneof fields: bytes_list = 1, float_list = 2, int64_list = 3; each list's values are its field 1.
const BYTES_LIST = 1;
const FLOAT_LIST = 2;
const INT64_LIST = 3;

/** One map entry of Features.feature (key = 1, value = 2): a Feature holding one list of `values` bytes. */
function entry(key: string, kind: number, values: Uint8Array): Message {
  return new Message().string(1, key).message(2, new Message().message(kind, new Message().bytes(1, values)));
}

function floatEntry(key: string, values: Float32Array): Message {
  return entry(key, FLOAT_LIST, new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
}

function bytesEntry(key: string, value: string): Message {
  return entry(key, BYTES_LIST, utf8.encode(value));
}

/** Packed varints of values < 2^16 (CLC codes), one pass to size, one to write. */
function int64Entry(key: string, values: Uint16Array): Message {
  let n = 0;
  for (const v of values) n += v < 0x80 ? 1 : v < 0x4000 ? 2 : 3;
  const packed = new Uint8Array(n);
  let i = 0;
  for (const v of values) {
    if (v >= 0x4000) {
      packed[i++] = (v & 0x7f) | 0x80;
      packed[i++] = ((v >>> 7) & 0x7f) | 0x80;
      packed[i++] = v >>> 14;
    } else if (v >= 0x80) {
      packed[i++] = (v & 0x7f) | 0x80;
      packed[i++] = v >>> 7;
    } else packed[i++] = v;
  }
  return entry(key, INT64_LIST, packed);
}

/** An Example (Features = field 1) whose map entries are the raw bytes `raw` followed by `entries`. */
function example(raw: readonly Uint8Array[], entries: readonly Message[]): Uint8Array {
  const features = new Message();
  for (const e of entries) features.message(1, e);
  const rawBytes = raw.reduce((n, r) => n + r.length, 0);
  const body = rawBytes + features.byteLength;
  const len = varint(body);
  const out = new Uint8Array(1 + len.length + body);
  out[0] = 0x0a;
  out.set(len, 1);
  let at = 1 + len.length;
  for (const r of raw) {
    out.set(r, at);
    at += r.length;
  }
  out.set(features.toBytes(), at);
  return out;
}

function readVarint(b: Uint8Array, at: number): [number, number] {
  let v = 0;
  let mul = 1;
  for (let i = at; i < b.length && i < at + 10; i++) {
    const x = b[i] as number;
    v += (x & 0x7f) * mul;
    mul *= 128;
    if (x < 0x80) return [v, i + 1];
  }
  throw new CorruptRecordError("E_BAD_VARINT", "a varint runs past the end of the record");
}

/** The map entries of a serialized Example: each entry's byte range and key, in stored order. */
export function exampleEntries(example: Uint8Array): { start: number; end: number; key: string }[] {
  if (example[0] !== 0x0a) throw new CorruptRecordError("E_NOT_EXAMPLE", "the record is not a tf.train.Example");
  const [len, first] = readVarint(example, 1);
  if (first + len !== example.length) {
    throw new CorruptRecordError("E_TRUNCATED", "the Example's length does not match the record");
  }
  const out: { start: number; end: number; key: string }[] = [];
  const dec = new TextDecoder();
  let at = first;
  while (at < example.length) {
    const start = at;
    if (example[at] !== 0x0a) throw new CorruptRecordError("E_NOT_EXAMPLE", "unexpected field in Features");
    const [n, body] = readVarint(example, at + 1);
    if (example[body] !== 0x0a) throw new CorruptRecordError("E_NOT_EXAMPLE", "a feature map entry has no key first");
    const [klen, k] = readVarint(example, body + 1);
    out.push({ start, end: body + n, key: dec.decode(example.subarray(k, k + klen)) });
    at = body + n;
  }
  if (at !== example.length) throw new CorruptRecordError("E_TRUNCATED", "a feature runs past the end of the record");
  return out;
}

/**
 * The MM Example from the S2 part's Example (as Core.encodeExample writes it): its `patch_name` entry, the last,
 * replaced with the MM features; see the module comment.
 */
export function mmExample(s2Example: Uint8Array, p: MmParts): Uint8Array {
  if (p.vv.length !== S1_PIXELS || p.vh.length !== S1_PIXELS) {
    throw new RangeError(`mmExample: VV and VH need ${S1_PIXELS} values, got ${p.vv.length} and ${p.vh.length}`);
  }
  const stored = exampleEntries(s2Example);
  const first = stored[0];
  const last = stored[stored.length - 1];
  if (last?.key !== KEY_PATCH_NAME) throw new RangeError("mmExample: the S2 Example does not end with patch_name");
  const entries = [
    floatEntry(KEY_VH, p.vh), floatEntry(KEY_VV, p.vv), bytesEntry(KEY_PATCH_NAME_S1, p.s1Name),
    bytesEntry(KEY_PATCH_NAME_S2, p.s2Name),
  ];
  if (p.referenceMap !== undefined) entries.push(int64Entry(KEY_REFERENCE_MAP, p.referenceMap));
  return example([s2Example.subarray(first?.start ?? 0, last.start)], entries);
}

/** The MM features of a record, as splitMmExample reads them back. */
export interface MmRecordParts {
  s1Name: string;
  s2Name: string;
  vv: Float32Array;
  vh: Float32Array;
  referenceMap?: Uint16Array | undefined;
}

/** The payload of the one list in map entry [start, end) of `example`: kind tag and the packed/bytes value. */
function listPayload(example: Uint8Array, start: number, end: number): { kind: number; value: Uint8Array } {
  let [, at] = readVarint(example, start + 1); // entry length
  const [klen, k] = readVarint(example, at + 1);
  at = k + klen;
  if (example[at] !== 0x12) throw new CorruptRecordError("E_NOT_EXAMPLE", "a feature map entry has no value");
  [, at] = readVarint(example, at + 1);
  const kind = (example[at] as number) >>> 3;
  [, at] = readVarint(example, at + 1); // list message length
  if (example[at] !== 0x0a) return { kind, value: new Uint8Array(0) };
  const [n, v] = readVarint(example, at + 1);
  if (v + n > end) throw new CorruptRecordError("E_TRUNCATED", "a feature's values run past its entry");
  return { kind, value: example.subarray(v, v + n) };
}

function floats(key: string, p: { kind: number; value: Uint8Array }): Float32Array {
  if (p.kind !== FLOAT_LIST || p.value.length !== S1_PIXELS * 4) {
    throw new CorruptRecordError("E_MM_SCHEMA", `${key} is not a float_list of ${S1_PIXELS} values`);
  }
  return new Float32Array(p.value.slice().buffer);
}

function text(key: string, p: { kind: number; value: Uint8Array }): string {
  if (p.kind !== BYTES_LIST) throw new CorruptRecordError("E_MM_SCHEMA", `${key} is not a bytes_list`);
  return new TextDecoder().decode(p.value);
}

function codes(p: { kind: number; value: Uint8Array }): Uint16Array {
  const out = new Uint16Array(S1_PIXELS);
  let n = 0;
  for (let at = 0; at < p.value.length && n < S1_PIXELS; n++) {
    const [v, next] = readVarint(p.value, at);
    out[n] = v;
    at = next;
  }
  if (p.kind !== INT64_LIST || n !== S1_PIXELS) {
    throw new CorruptRecordError("E_MM_SCHEMA", `${KEY_REFERENCE_MAP} is not an int64_list of ${S1_PIXELS} values`);
  }
  return out;
}

/**
 * Splits an MM Example into its S2 part (an S2 Example with patch_name = patch_name_s2, which Core.decodePatch
 * reads) and its MM features; a CorruptRecordError when an MM feature is missing or malformed.
 */
export function splitMmExample(data: Uint8Array): { s2: Uint8Array; mm: MmRecordParts } {
  const kept: Uint8Array[] = [];
  const found = new Map<string, { kind: number; value: Uint8Array }>();
  for (const e of exampleEntries(data)) {
    if (e.key === KEY_VV || e.key === KEY_VH || e.key === KEY_PATCH_NAME_S1 || e.key === KEY_PATCH_NAME_S2 ||
      e.key === KEY_REFERENCE_MAP) found.set(e.key, listPayload(data, e.start, e.end));
    else kept.push(data.subarray(e.start, e.end));
  }
  const need = (key: string): { kind: number; value: Uint8Array } => {
    const p = found.get(key);
    if (p === undefined) throw new CorruptRecordError("E_MM_SCHEMA", `the MM feature ${key} is missing`);
    return p;
  };
  const s2Name = text(KEY_PATCH_NAME_S2, need(KEY_PATCH_NAME_S2));
  const map = found.get(KEY_REFERENCE_MAP);
  const mm: MmRecordParts = {
    s1Name: text(KEY_PATCH_NAME_S1, need(KEY_PATCH_NAME_S1)),
    s2Name,
    vv: floats(KEY_VV, need(KEY_VV)),
    vh: floats(KEY_VH, need(KEY_VH)),
    referenceMap: map === undefined ? undefined : codes(map),
  };
  return { s2: example(kept, [bytesEntry(KEY_PATCH_NAME, s2Name)]), mm };
}
