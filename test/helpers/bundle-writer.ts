// A TensorFlow tensor-bundle WRITER for tests, written from the format (not from the reader): a table with
// prefix-compressed keys and restart points every `restartInterval` entries, data blocks cut at `blockSize`,
// optional snappy compression (a small greedy LZ77 encoder emitting literals and 1-, 2- and 4-byte-offset
// copies), several data shards, and little- or big-endian tensor bytes. Used to build checkpoints with the
// reference's variable names and random values, and to round-trip the reader.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { pushVarint, readU32 } from "../../src/ckpt/proto.js";
import type { MaskedCrc } from "../../src/ckpt/table.js";

export interface WriterTensor {
  name: string;
  /** TensorFlow DataType number (1 = float32). */
  dtype: number;
  shape: number[];
  /** Little-endian bytes. */
  data: Uint8Array;
}

export interface WriterOptions {
  shards?: number;
  snappy?: boolean;
  blockSize?: number;
  restartInterval?: number;
  bigEndian?: boolean;
  /** Bytes per element for the big-endian swap (default 4). */
  width?: (t: WriterTensor) => number;
}

const enc = new TextEncoder();

function u32le(out: number[], v: number): void {
  out.push(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff);
}

function field(out: number[], no: number, wire: number): void {
  pushVarint(out, no * 8 + wire);
}

function message(out: number[], no: number, body: number[]): void {
  field(out, no, 2);
  pushVarint(out, body.length);
  out.push(...body);
}

/** Snappy raw-format compression: greedy matches of ≥ 4 bytes found through a hash of the next 4 bytes. */
export function snappyCompress(src: Uint8Array): Uint8Array {
  const out: number[] = [];
  pushVarint(out, src.length);
  const table = new Map<number, number>();
  let lit = 0;
  const literal = (end: number): void => {
    let at = lit;
    while (at < end) {
      const n = Math.min(end - at, 65536);
      if (n <= 60) out.push((n - 1) << 2);
      else if (n <= 256) out.push(60 << 2, n - 1);
      else out.push(61 << 2, (n - 1) & 0xff, (n - 1) >> 8);
      for (let i = 0; i < n; i++) out.push(src[at + i] as number);
      at += n;
    }
  };
  const copy = (offset: number, length: number): void => {
    let left = length;
    while (left > 0) {
      const n = Math.min(left, 64);
      if (n >= 4 && n <= 11 && offset < 2048) out.push(1 | ((n - 4) << 2) | ((offset >> 8) << 5), offset & 0xff);
      else if (offset < 65536) out.push(2 | ((n - 1) << 2), offset & 0xff, offset >> 8);
      else {
        out.push(3 | ((n - 1) << 2));
        u32le(out, offset);
      }
      left -= n;
    }
  };
  let i = 0;
  while (i + 4 <= src.length) {
    const key = readU32(src, i);
    const prev = table.get(key);
    table.set(key, i);
    if (prev !== undefined) {
      let n = 4;
      while (i + n < src.length && src[prev + n] === src[i + n]) n++;
      literal(i);
      copy(i - prev, n);
      i += n;
      lit = i;
    } else i++;
  }
  literal(src.length);
  return Uint8Array.from(out);
}

/** A block of sorted entries with shared-prefix keys and restart points. */
function block(entries: [Uint8Array, Uint8Array][], restartInterval: number): Uint8Array {
  const out: number[] = [];
  const restarts: number[] = [];
  let prev: Uint8Array = new Uint8Array(0);
  entries.forEach(([k, v], i) => {
    let shared = 0;
    if (i % restartInterval === 0) restarts.push(out.length);
    else while (shared < prev.length && shared < k.length && prev[shared] === k[shared]) shared++;
    pushVarint(out, shared);
    pushVarint(out, k.length - shared);
    pushVarint(out, v.length);
    out.push(...k.subarray(shared), ...v);
    prev = k;
  });
  for (const r of restarts.length > 0 ? restarts : [0]) u32le(out, r);
  u32le(out, restarts.length > 0 ? restarts.length : 1);
  return Uint8Array.from(out);
}

/** A LevelDB table of `entries` (sorted here), as TensorFlow's table builder lays it out. */
export function buildTable(entries: [Uint8Array, Uint8Array][], crc: MaskedCrc, o: WriterOptions = {}): Uint8Array {
  const sorted = [...entries].sort(([a], [b]) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  const parts: Uint8Array[] = [];
  let size = 0;
  const emit = (raw: Uint8Array): number[] => {
    let body = raw;
    let type = 0;
    if (o.snappy === true) {
      const z = snappyCompress(raw);
      // TensorFlow keeps the compressed form only when it saves at least 12.5 %.
      if (z.length < raw.length - raw.length / 8) (body = z), (type = 1);
    }
    const withType = new Uint8Array(body.length + 1);
    withType.set(body);
    withType[body.length] = type;
    const trailer: number[] = [type];
    u32le(trailer, crc.maskedCrc32c(withType));
    const handle: number[] = [];
    pushVarint(handle, size);
    pushVarint(handle, body.length);
    parts.push(body, Uint8Array.from(trailer));
    size += body.length + 5;
    return handle;
  };
  const index: [Uint8Array, Uint8Array][] = [];
  let pending: [Uint8Array, Uint8Array][] = [];
  let bytes = 0;
  const flush = (): void => {
    if (pending.length === 0) return;
    const last = (pending.at(-1) as [Uint8Array, Uint8Array])[0];
    index.push([last, Uint8Array.from(emit(block(pending, o.restartInterval ?? 16)))]);
    pending = [];
    bytes = 0;
  };
  for (const e of sorted) {
    pending.push(e);
    bytes += e[0].length + e[1].length + 3;
    if (bytes >= (o.blockSize ?? 4096)) flush();
  }
  flush();
  const meta = emit(block([], 16));
  const idx = emit(block(index, 1));
  const footer: number[] = [...meta, ...idx];
  while (footer.length < 40) footer.push(0);
  footer.push(0x57, 0xfb, 0x80, 0x8b, 0x24, 0x75, 0x47, 0xdb);
  parts.push(Uint8Array.from(footer));
  return Buffer.concat(parts);
}

/** Writes PREFIX.index and PREFIX.data-* for `tensors`; returns the files written. */
export function writeBundle(prefix: string, tensors: WriterTensor[], crc: MaskedCrc, o: WriterOptions = {}): string[] {
  const shards = o.shards ?? 1;
  const data: Uint8Array[][] = Array.from({ length: shards }, () => []);
  const sizes = new Array<number>(shards).fill(0);
  const entries: [Uint8Array, Uint8Array][] = [];
  tensors.forEach((t, i) => {
    const shard = i % shards;
    let bytes = t.data;
    if (o.bigEndian === true) {
      const w = o.width?.(t) ?? 4;
      bytes = new Uint8Array(t.data.length);
      for (let p = 0; p < bytes.length; p += w) {
        for (let j = 0; j < w; j++) bytes[p + j] = t.data[p + w - 1 - j] as number;
      }
    }
    const e: number[] = [];
    field(e, 1, 0);
    pushVarint(e, t.dtype);
    const shape: number[] = [];
    for (const d of t.shape) {
      const dim: number[] = [];
      field(dim, 1, 0);
      pushVarint(dim, d);
      message(shape, 2, dim);
    }
    message(e, 2, shape);
    if (shard > 0) (field(e, 3, 0), pushVarint(e, shard));
    if (sizes[shard] as number > 0) (field(e, 4, 0), pushVarint(e, sizes[shard] as number));
    field(e, 5, 0);
    pushVarint(e, bytes.length);
    field(e, 6, 5);
    u32le(e, crc.maskedCrc32c(bytes));
    entries.push([enc.encode(t.name), Uint8Array.from(e)]);
    (data[shard] as Uint8Array[]).push(bytes);
    sizes[shard] = (sizes[shard] as number) + bytes.length;
  });
  const header: number[] = [];
  field(header, 1, 0);
  pushVarint(header, shards);
  if (o.bigEndian === true) (field(header, 2, 0), pushVarint(header, 1));
  const version: number[] = [];
  field(version, 1, 0);
  pushVarint(version, 1);
  message(header, 3, version);
  entries.push([new Uint8Array(0), Uint8Array.from(header)]);
  mkdirSync(dirname(prefix), { recursive: true });
  const files = [`${prefix}.index`];
  writeFileSync(files[0] as string, buildTable(entries, crc, o));
  data.forEach((parts, i) => {
    const f = `${prefix}.data-${String(i).padStart(5, "0")}-of-${String(shards).padStart(5, "0")}`;
    writeFileSync(f, Buffer.concat(parts));
    files.push(f);
  });
  return files;
}

/** A float32 tensor for the writer. */
export function f32(name: string, shape: number[], values: Float32Array): WriterTensor {
  return { name, dtype: 1, shape, data: new Uint8Array(values.buffer, values.byteOffset, values.byteLength) };
}
