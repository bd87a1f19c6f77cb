// Building and splitting MM records (mm-schema.ts). The WASM core encodes the S2 part (12 bands, labels,
// multi-hot, patch_name) exactly as for S2 records; an MM record is that Example with its last map entry,
// `patch_name`, replaced by VH, VV, patch_name_s1, patch_name_s2 (and reference_map), which all sort after the
// labels: so the entries stay in bytewise key order, as protobuf's deterministic serialization writes them.
import { CorruptRecordError } from "../core/errors.js";
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

function varintSize(v: number): number {
  let n = 1;
  while (v >= 0x80) {
    v = Math.floor(v / 128);
    n++;
  }
  return n;
}

/** Appends bytes to a growing list of chunks; joined once at the end. */
class Bytes {
  readonly parts: Uint8Array[] = [];
  length = 0;
  push(b: Uint8Array): void {
    this.parts.push(b);
    this.length += b.length;
  }
  varint(v: number): void {
    const out = new Uint8Array(varintSize(v));
    let i = 0;
    while (v >= 0x80) {
      out[i++] = (v % 128) | 0x80;
      v = Math.floor(v / 128);
    }
    out[i] = v;
    this.push(out);
  }
  /** Tag byte + length varint + the body. */
  field(tag: number, body: Bytes | Uint8Array): void {
    this.push(Uint8Array.of(tag));
    this.varint(body.length);
    if (body instanceof Uint8Array) this.push(body);
    else for (const p of body.parts) this.push(p);
  }
  join(): Uint8Array {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const p of this.parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
}

// Feature oneof tags: bytes_list = 1, float_list = 2, int64_list = 3 (wire type 2).
const BYTES_LIST = 0x0a;
const FLOAT_LIST = 0x12;
const INT64_LIST = 0x1a;

/** One map entry of Features.feature: key, then the Feature holding one list (`list`: the list message body). */
function entry(out: Bytes, key: string, kind: number, list: Bytes): void {
  const feature = new Bytes();
  feature.field(kind, list);
  const e = new Bytes();
  e.field(0x0a, utf8.encode(key));
  e.field(0x12, feature);
  out.field(0x0a, e);
}

function floatEntry(out: Bytes, key: string, values: Float32Array): void {
  const list = new Bytes();
  list.field(0x0a, new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
  entry(out, key, FLOAT_LIST, list);
}

function bytesEntry(out: Bytes, key: string, value: string): void {
  const list = new Bytes();
  list.field(0x0a, utf8.encode(value));
  entry(out, key, BYTES_LIST, list);
}

function int64Entry(out: Bytes, key: string, values: Uint16Array): void {
  let n = 0;
  for (const v of values) n += v < 0x80 ? 1 : v < 0x4000 ? 2 : 3;
  const packed = new Uint8Array(n);
  let i = 0;
  for (const v of values) {
    if (v < 0x80) packed[i++] = v;
    else if (v < 0x4000) {
      packed[i++] = (v & 0x7f) | 0x80;
      packed[i++] = v >>> 7;
    } else {
      packed[i++] = (v & 0x7f) | 0x80;
      packed[i++] = ((v >>> 7) & 0x7f) | 0x80;
      packed[i++] = v >>> 14;
    }
  }
  const list = new Bytes();
  list.field(0x0a, packed);
  entry(out, key, INT64_LIST, list);
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
  if (first + len !== example.length) throw new CorruptRecordError("E_TRUNCATED", "the Example's length does not match the record");
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
  const entries = exampleEntries(s2Example);
  const last = entries[entries.length - 1];
  if (last?.key !== KEY_PATCH_NAME) throw new RangeError("mmExample: the S2 Example does not end with patch_name");
  const features = new Bytes();
  features.push(s2Example.subarray(entries[0]?.start ?? 0, last.start));
  floatEntry(features, KEY_VH, p.vh);
  floatEntry(features, KEY_VV, p.vv);
  bytesEntry(features, KEY_PATCH_NAME_S1, p.s1Name);
  bytesEntry(features, KEY_PATCH_NAME_S2, p.s2Name);
  if (p.referenceMap !== undefined) int64Entry(features, KEY_REFERENCE_MAP, p.referenceMap);
  const example = new Bytes();
  example.field(0x0a, features);
  return example.join();
}
