// The parquet fast path: one column chunk of a BYTE_ARRAY or BOOLEAN leaf, decoded straight from the file's bytes
// into what the caller keeps. Why not hyparquet for everything: hyparquet materialises every value as a JS object
// (one Uint8Array view, then one string, per value; one array per row of a list column), which for reBEN's 480,038
// rows and 1.4 M label strings cost ~440 MB and seconds of CPU. Here a value's bytes are turned into the caller's
// value directly, and low-cardinality columns (labels, split) decode each distinct byte string once (a dictionary
// entry once, a PLAIN value once per distinct bytes), so a row's labels cost a few small integers.
// Known layouts only: data pages v1 and v2, PLAIN and dictionary (RLE_DICTIONARY / PLAIN_DICTIONARY) values, RLE
// levels, RLE booleans, the codecs of parquet-codec.ts. `planChunk` reads the page headers first and returns
// undefined for anything else, so that the caller hands the whole chunk to hyparquet before decoding any of it.
import { isAscii } from "node:buffer";
import type { ColumnChunk, PageHeader, SchemaElement } from "hyparquet";
import { parquetHeader } from "hyparquet/src/column.js";
import { decompressPage, FAST_CODECS, type FastCodec } from "./parquet-codec.js";

/** A leaf column's place in the schema: its levels. */
export interface Leaf {
  path: string[];
  element: SchemaElement;
  maxDef: number;
  maxRep: number;
  /** The definition level of the innermost repeated ancestor (a list's slot exists from this level on). */
  repDef: number;
}

/** The schema's leaf columns by dotted path (`labels.list.element`), from the footer's flattened schema. */
export function leaves(schema: readonly SchemaElement[]): Map<string, Leaf> {
  const out = new Map<string, Leaf>();
  let next = 1;
  const walk = (path: string[], def: number, rep: number, repDef: number): void => {
    const e = schema[next++];
    if (e === undefined) throw new Error("the schema ends early");
    const d = e.repetition_type === "REQUIRED" ? def : def + 1;
    const r = e.repetition_type === "REPEATED" ? rep + 1 : rep;
    const p = [...path, e.name];
    if ((e.num_children ?? 0) === 0) out.set(p.join("."), { path: p, element: e, maxDef: d, maxRep: r, repDef });
    for (let c = 0; c < (e.num_children ?? 0); c++) walk(p, d, r, e.repetition_type === "REPEATED" ? d : repDef);
  };
  for (let c = 0; c < (schema[0]?.num_children ?? 0); c++) walk([], 0, 0, 0);
  return out;
}

/**
 * What the caller keeps of a chunk's values: `text` one string per value (ids), `keys` one small integer per value
 * naming one of a few distinct values (labels, splits), `bool` 0/1 per value.
 */
export type ValueKind = "text" | "keys" | "bool";

/** One column chunk's slots, in order. */
export interface ChunkValues {
  slots: number;
  /** Per slot, when the leaf has repetition levels. */
  rep: Uint8Array | undefined;
  /** Per slot, when the leaf has definition levels. */
  def: Uint8Array | undefined;
  /** The slots defined at maxDef, in order: strings (text), indices into `entries` (keys) or 0/1 (bool). */
  values: string[] | Int32Array | Uint8Array;
  /** kind `keys`: the distinct values, each decoded once. */
  entries: string[];
}

interface PagePlan {
  header: PageHeader;
  /** Where the page's data starts in the file. */
  at: number;
}

export interface ChunkPlan {
  codec: FastCodec;
  type: "BYTE_ARRAY" | "BOOLEAN";
  pages: PagePlan[];
  slots: number;
}

/** A damaged chunk (sizes or offsets that do not fit): the caller names the file and the column. */
export class ChunkError extends Error {}

/** No page bigger than this is believed (a damaged header must not allocate gigabytes). */
export const MAX_PAGE_BYTES = 1 << 28;

const VALUE_ENCODINGS = new Set(["PLAIN", "RLE_DICTIONARY", "PLAIN_DICTIONARY"]);

function pageKnown(h: PageHeader, type: string): boolean {
  if (h.type === "DICTIONARY_PAGE") return h.dictionary_page_header?.encoding !== undefined && type === "BYTE_ARRAY";
  const enc = h.data_page_header?.encoding ?? h.data_page_header_v2?.encoding;
  const known = type === "BOOLEAN" ? enc === "PLAIN" || enc === "RLE" : enc !== undefined && VALUE_ENCODINGS.has(enc);
  if (!known) return false;
  if (h.type === "DATA_PAGE_V2") return true;
  const d = h.data_page_header;
  return h.type === "DATA_PAGE" && d !== undefined && d.definition_level_encoding === "RLE" &&
    d.repetition_level_encoding === "RLE";
}

/** The chunk's pages when the fast path knows all of them; undefined to leave the chunk to hyparquet. */
export function planChunk(file: Uint8Array, chunk: ColumnChunk): ChunkPlan | undefined {
  const meta = chunk.meta_data;
  if (meta === undefined || chunk.file_path !== undefined) return undefined;
  const codec = FAST_CODECS.find((c) => c === meta.codec);
  if (codec === undefined || (meta.type !== "BYTE_ARRAY" && meta.type !== "BOOLEAN")) return undefined;
  const dict = meta.dictionary_page_offset;
  // Some writers store 0 for "no dictionary page".
  const start = Number(dict !== undefined && dict > 0n && dict < meta.data_page_offset ? dict : meta.data_page_offset);
  const end = start + Number(meta.total_compressed_size);
  if (!(start >= 0 && end <= file.length && start < end)) {
    const size = meta.total_compressed_size;
    throw new ChunkError(`the column chunk at byte ${start} (${size} bytes) lies outside the file`);
  }
  const view = new DataView(file.buffer, file.byteOffset, end);
  const reader = { view, offset: start };
  const pages: PagePlan[] = [];
  let slots = 0;
  while (reader.offset < end) {
    let header: PageHeader;
    try {
      header = parquetHeader(reader);
    } catch (e) {
      throw new ChunkError(`a page header at byte ${reader.offset} cannot be read: ${(e as Error).message}`);
    }
    const size = header.compressed_page_size;
    const full = header.uncompressed_page_size;
    if (!(size >= 0 && reader.offset + size <= end && full >= 0 && full <= MAX_PAGE_BYTES)) {
      throw new ChunkError(`a page at byte ${reader.offset} claims ${size} bytes (${full} inflated): beyond the chunk`);
    }
    if (!pageKnown(header, meta.type)) return undefined;
    pages.push({ header, at: reader.offset });
    slots += header.data_page_header?.num_values ?? header.data_page_header_v2?.num_values ?? 0;
    reader.offset += size;
  }
  if (slots !== Number(meta.num_values)) {
    throw new ChunkError(`the pages hold ${slots} values, the column chunk's metadata says ${meta.num_values}`);
  }
  return { codec, type: meta.type, pages, slots };
}

const utf8 = new TextDecoder();

/** A value's text: ids and label names are ASCII, which latin1 decodes faster than UTF-8 (other text falls back). */
export function text(b: Uint8Array, start: number, end: number): string {
  for (let i = start; i < end; i++) if ((b[i] as number) > 0x7f) return utf8.decode(b.subarray(start, end));
  return Buffer.prototype.latin1Slice.call(b, start, end) as string;
}

/** More distinct values than this in a `keys` column (labels, splits) is not a table of reBEN's. */
export const MAX_KEYS = 4096;

/** Distinct byte strings → small integers (their place in `entries`), each decoded once. */
class Keys {
  readonly entries: string[] = [];
  private readonly bytes: Uint8Array[] = [];
  private readonly byLength: number[][] = [];

  /** The key of b[start, end). (Comparing bytes beat String.prototype.startsWith on a latin1 copy of the page.) */
  key(b: Uint8Array, start: number, end: number): number {
    const n = end - start;
    const same = (this.byLength[n] ??= []);
    for (let j = 0; j < same.length; j++) {
      const id = same[j] as number;
      if (equal(this.bytes[id], b, start)) return id;
    }
    const id = this.entries.length;
    if (id === MAX_KEYS) throw new ChunkError(`more than ${MAX_KEYS} distinct values in a column of names`);
    this.entries.push(text(b, start, end));
    this.bytes.push(b.slice(start, end));
    same.push(id);
    return id;
  }
}

/** True when `e` equals b[start, start + e.length). */
function equal(e: Uint8Array | undefined, b: Uint8Array, start: number): boolean {
  if (e === undefined) return false;
  let i = 0;
  while (i < e.length && e[i] === b[start + i]) i++;
  return i === e.length;
}

function u32(b: Uint8Array, at: number, end: number): number {
  if (at + 4 > end) throw new ChunkError(`a length at byte ${at} of a page runs past its end`);
  return ((b[at] as number) | ((b[at + 1] as number) << 8) | ((b[at + 2] as number) << 16)) +
    (b[at + 3] as number) * 0x1000000;
}

function bitWidth(max: number): number {
  return 32 - Math.clz32(max);
}

/**
 * The RLE/bit-packed hybrid (levels, dictionary indices, booleans): `out.length` values of `width` bits (≤ 25) from
 * b[at, end). Returns how many equal `tally` (the defined slots, counted by run where the levels are runs).
 */
export function hybrid(b: Uint8Array, at: number, end: number, width: number, out: Uint8Array | Int32Array,
  tally = -1): number {
  if (width > 25) throw new ChunkError(`${width}-bit levels or indices`);
  const n = out.length;
  const mask = (1 << width) - 1;
  const bytes = (width + 7) >> 3;
  let i = 0;
  let equal = 0;
  while (i < n) {
    let h = 0;
    let c: number;
    let scale = 1;
    do {
      if (at >= end) throw new ChunkError(`levels or indices run past byte ${end} of a page (${i} of ${n} read)`);
      c = b[at++] as number;
      h += (c & 0x7f) * scale;
      scale *= 128;
    } while (c >= 0x80 && scale < 2 ** 35);
    const count = Math.floor(h / 2);
    if (h % 2 === 1) {
      // Bit-packed: count groups of 8 values, LSB first.
      const len = count * width;
      if (at + len > end) throw new ChunkError(`bit-packed values at byte ${at} run past byte ${end} of a page`);
      const stop = Math.min(n, i + count * 8);
      for (let bit = at * 8; i < stop; i++, bit += width) {
        const p = bit >>> 3;
        const word = (b[p] as number) | ((b[p + 1] ?? 0) << 8) | ((b[p + 2] ?? 0) << 16) | ((b[p + 3] ?? 0) << 24);
        const v = (word >>> (bit & 7)) & mask;
        out[i] = v;
        if (v === tally) equal++;
      }
      at += len;
    } else {
      if (at + bytes > end) throw new ChunkError(`a run at byte ${at} runs past byte ${end} of a page`);
      let v = 0;
      for (let k = 0; k < bytes; k++) v |= (b[at + k] as number) << (8 * k);
      at += bytes;
      const stop = Math.min(n, i + count);
      out.fill(v & mask, i, stop);
      if ((v & mask) === tally) equal += stop - i;
      i = stop;
    }
  }
  return equal;
}

/** Where the v1 page section at b[at] ends: a 4-byte length, then that many bytes. */
function sectionEnd(b: Uint8Array, at: number): number {
  const len = u32(b, at, b.length);
  if (at + 4 + len > b.length) throw new ChunkError(`levels at byte ${at} (${len} bytes) run past the page's end`);
  return at + 4 + len;
}

/** An all-ASCII page (reBEN's are) as one latin1 string, to slice values from; else "". */
function asciiPage(page: Uint8Array, at: number): string {
  return isAscii(page.subarray(at)) ? (Buffer.prototype.latin1Slice.call(page, 0, page.length) as string) : "";
}

/** PLAIN BYTE_ARRAY values as text: on an ASCII page each value is a slice of the page's string (no copy). */
function plainText(page: Uint8Array, at: number, count: number, out: string[]): void {
  const whole = asciiPage(page, at);
  for (let k = 0; k < count; k++) {
    const n = u32(page, at, page.length);
    const s = at + 4;
    at = s + n;
    if (at > page.length) throw new ChunkError(`value ${k} of a page (${n} bytes) runs past the page's end`);
    out.push(whole !== "" ? whole.substring(s, at) : text(page, s, at));
  }
}

/** PLAIN BYTE_ARRAY values as keys into `keys`, written to out from `o`; returns the next `o`. */
function plainKeys(page: Uint8Array, at: number, count: number, keys: Keys, out: Int32Array, o: number): number {
  for (let k = 0; k < count; k++) {
    const n = u32(page, at, page.length);
    const s = at + 4;
    at = s + n;
    if (at > page.length) throw new ChunkError(`value ${k} of a page (${n} bytes) runs past the page's end`);
    out[o++] = keys.key(page, s, at);
  }
  return o;
}

interface Dictionary {
  text: string[];
  keys: Int32Array;
}

function readDictionary(page: Uint8Array, entries: number, kind: ValueKind, keys: Keys | undefined): Dictionary {
  const text: string[] = [];
  if (keys === undefined) {
    plainText(page, 0, entries, text);
    return { text, keys: new Int32Array(0) };
  }
  const k = new Int32Array(entries);
  plainKeys(page, 0, entries, keys, k, 0);
  return { text: kind === "text" ? text : [], keys: k };
}

/** Decodes a planned chunk into `kind` values; see the module comment. */
export function readChunk(file: Uint8Array, plan: ChunkPlan, leaf: Leaf, kind: ValueKind): ChunkValues {
  const rep = leaf.maxRep > 0 ? new Uint8Array(plan.slots) : undefined;
  const def = leaf.maxDef > 0 ? new Uint8Array(plan.slots) : undefined;
  const keys = kind === "keys" ? new Keys() : undefined;
  const texts: string[] = [];
  // Typed outputs are sized for every slot defined; the values are a prefix of them.
  const ints = kind === "keys" ? new Int32Array(plan.slots) : undefined;
  const flags = kind === "bool" ? new Uint8Array(plan.slots) : undefined;
  let o = 0;
  let dictionary: Dictionary | undefined;
  let slot = 0;
  for (const { header: h, at } of plan.pages) {
    const raw = file.subarray(at, at + h.compressed_page_size);
    if (h.type === "DICTIONARY_PAGE") {
      const page = decompressPage(raw, h.uncompressed_page_size, plan.codec);
      dictionary = readDictionary(page, h.dictionary_page_header?.num_values ?? 0, kind, keys);
      continue;
    }
    const v2 = h.data_page_header_v2;
    const n = (h.data_page_header ?? v2)?.num_values ?? 0;
    const repOut = rep?.subarray(slot, slot + n);
    const defOut = def?.subarray(slot, slot + n);
    let page: Uint8Array;
    let pos = 0;
    // The values are the slots defined at maxDef (all of them without definition levels).
    let count = n;
    const repWidth = bitWidth(leaf.maxRep);
    const defWidth = bitWidth(leaf.maxDef);
    if (v2 !== undefined) {
      // v2: levels first, never compressed, without length prefixes; then the (maybe compressed) values.
      const rl = v2.repetition_levels_byte_length;
      const levels = rl + v2.definition_levels_byte_length;
      if (levels > raw.length) throw new ChunkError(`a page's levels (${levels} bytes) exceed the page`);
      if (repOut !== undefined) hybrid(raw, 0, rl, repWidth, repOut);
      if (defOut !== undefined) count = hybrid(raw, rl, levels, defWidth, defOut, leaf.maxDef);
      const body = raw.subarray(levels);
      page = v2.is_compressed ? decompressPage(body, h.uncompressed_page_size - levels, plan.codec) : body;
    } else {
      page = decompressPage(raw, h.uncompressed_page_size, plan.codec);
      if (repOut !== undefined) {
        const end = sectionEnd(page, pos);
        hybrid(page, pos + 4, end, repWidth, repOut);
        pos = end;
      }
      if (defOut !== undefined) {
        const end = sectionEnd(page, pos);
        count = hybrid(page, pos + 4, end, defWidth, defOut, leaf.maxDef);
        pos = end;
      }
    }
    const encoding = (h.data_page_header ?? v2)?.encoding;
    if (flags !== undefined) {
      const bits = flags.subarray(o, o + count);
      if (encoding === "RLE") hybrid(page, pos + 4, sectionEnd(page, pos), 1, bits);
      else if (pos + Math.ceil(count / 8) > page.length) throw new ChunkError("a page's booleans run past its end");
      else for (let i = 0; i < count; i++) bits[i] = ((page[pos + (i >> 3)] as number) >> (i & 7)) & 1;
      o += count;
    } else if (encoding === "PLAIN") {
      if (ints !== undefined && keys !== undefined) o = plainKeys(page, pos, count, keys, ints, o);
      else plainText(page, pos, count, texts);
    } else {
      if (dictionary === undefined) throw new ChunkError("a dictionary-encoded page comes without a dictionary page");
      const idx = new Int32Array(count);
      if (count > 0) hybrid(page, pos + 1, page.length, page[pos] ?? 0, idx);
      const size = Math.max(dictionary.text.length, dictionary.keys.length);
      for (let i = 0; i < count; i++) {
        const j = idx[i] as number;
        if (j >= size) throw new ChunkError(`index ${j} is beyond the dictionary (${size} entries)`);
        if (ints !== undefined) ints[o++] = dictionary.keys[j] as number;
        else texts.push(dictionary.text[j] as string);
      }
    }
    slot += n;
  }
  const values = ints?.subarray(0, o) ?? flags?.subarray(0, o) ?? texts;
  return { slots: plan.slots, rep, def, values, entries: keys?.entries ?? [] };
}
