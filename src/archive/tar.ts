// Tar archives, read without extracting: header parsing (POSIX ustar with its name prefix, GNU long names `L`,
// pax extended headers `x` for path and size, GNU base-256 sizes), a push parser for streams (a .tar.gz through
// node:zlib) and a header-only index of an uncompressed .tar that skips the file data. Only what BigEarthNet's
// tarball needs: regular files by path; directories, links and other entries are passed over.
import { closeSync, openSync, readSync } from "node:fs";
import { Ben19Error } from "../core/errors.js";

const BLOCK = 512;
/** The fix for an archive that stops early. */
const INCOMPLETE = "the download is incomplete: download it again";

/** One regular file of the archive. */
export interface TarMember {
  /** Its path inside the archive, e.g. `BigEarthNet-v1.0/<patch>/<patch>_B01.tif`. */
  path: string;
  size: number;
  /** Offset of its first header block (a long-name or pax header before it counts), and of its data. */
  header: number;
  data: number;
}

/** Bytes a member occupies from its data offset to the next header: its size rounded up to whole blocks. */
export function paddedSize(size: number): number {
  return Math.ceil(size / BLOCK) * BLOCK;
}

function damaged(where: string, offset: number, message: string): Ben19Error {
  const hint = "the tarball is damaged or not a tar file: download it again";
  return new Ben19Error("E_TAR_CORRUPT", `not a readable tar archive: ${message}`, { file: where, offset }, hint);
}

function text(block: Uint8Array, start: number, length: number): string {
  let end = start;
  while (end < start + length && block[end] !== 0) end++;
  return Buffer.from(block.buffer, block.byteOffset + start, end - start).toString("utf8");
}

/** A numeric field: octal text, or GNU's base-256 (high bit of the first byte set) for values past 8 GB. */
function number(block: Uint8Array, start: number, length: number): number {
  if (((block[start] as number) & 0x80) !== 0) {
    let v = (block[start] as number) & 0x7f;
    for (let i = start + 1; i < start + length; i++) v = v * 256 + (block[i] as number);
    return v;
  }
  const t = text(block, start, length).trim();
  return t === "" ? 0 : parseInt(t, 8);
}

interface Header {
  name: string;
  size: number;
  type: string;
}

/** Parses one header block; undefined for a zero block (the end of the archive). */
function parseHeader(block: Uint8Array, offset: number, where: string): Header | undefined {
  let sum = 0;
  let zero = true;
  for (let i = 0; i < BLOCK; i++) {
    const b = block[i] as number;
    if (b !== 0) zero = false;
    sum += i >= 148 && i < 156 ? 32 : b;
  }
  if (zero) return undefined;
  const stored = number(block, 148, 8);
  if (stored !== sum) throw damaged(where, offset, `header checksum ${stored}, computed ${sum}`);
  const size = number(block, 124, 12);
  if (!Number.isSafeInteger(size) || size < 0) throw damaged(where, offset, `bad size field`);
  let name = text(block, 0, 100);
  // POSIX ustar ("ustar\0") splits long paths into prefix/name; GNU's "ustar  " uses that area for other fields.
  if (text(block, 257, 6) === "ustar" && block[262] === 0) {
    const prefix = text(block, 345, 155);
    if (prefix !== "") name = `${prefix}/${name}`;
  }
  const t = block[156] as number;
  return { name, size, type: t === 0 ? "0" : String.fromCharCode(t) };
}

/** Path and size overrides from a pax extended header's `<len> <key>=<value>\n` records. */
function parsePax(data: Uint8Array, where: string, offset: number): { path?: string; size?: number } {
  const out: { path?: string; size?: number } = {};
  let p = 0;
  while (p < data.length && data[p] !== 0) {
    let sp = p;
    while (sp < data.length && data[sp] !== 0x20) sp++;
    const len = Number(Buffer.from(data.subarray(p, sp)).toString("latin1"));
    if (!Number.isInteger(len) || len <= sp - p || p + len > data.length) {
      throw damaged(where, offset, "malformed pax header record");
    }
    const record = Buffer.from(data.subarray(sp + 1, p + len - 1)).toString("utf8");
    const eq = record.indexOf("=");
    const key = record.slice(0, eq);
    if (key === "path") out.path = record.slice(eq + 1);
    else if (key === "size") out.size = Number(record.slice(eq + 1));
    p += len;
  }
  return out;
}

/**
 * What the headers say, one header at a time: long names and pax headers apply to the next entry. Shared by the
 * stream parser and the index, which differ only in how they get header blocks and the data of meta entries.
 */
class HeaderState {
  private longName: string | undefined;
  private pax: { path?: string; size?: number } = {};
  private start = -1;

  constructor(private readonly where: string) {}

  /**
   * Takes the header at `offset`. Returns what to do: `meta` (pass the entry's data to meta()), `member` (a regular
   * file), or `skip` (other entries), with the size of the data that follows; undefined at the end of the archive.
   */
  header(
    block: Uint8Array,
    offset: number,
  ): { kind: "meta" | "skip"; size: number } | { kind: "member"; size: number; member: TarMember } | undefined {
    const h = parseHeader(block, offset, this.where);
    if (h === undefined) return undefined;
    if (this.start < 0) this.start = offset;
    if (h.type === "L" || h.type === "x") return { kind: "meta", size: h.size };
    // A long link name and global pax records precede an entry too, and say nothing this reader uses.
    if (h.type === "K" || h.type === "g") return { kind: "skip", size: h.size };
    const size = this.pax.size ?? h.size;
    const path = this.pax.path ?? this.longName ?? h.name;
    const header = this.start;
    this.longName = undefined;
    this.pax = {};
    this.start = -1;
    if (h.type === "0" || h.type === "7") {
      return { kind: "member", size, member: { path, size, header, data: offset + BLOCK } };
    }
    return { kind: "skip", size };
  }

  /** The data of the last `meta` header. */
  meta(type: "L" | "x", data: Uint8Array, offset: number): void {
    if (type === "L") this.longName = text(data, 0, data.length);
    else this.pax = parsePax(data, this.where, offset);
  }

  /** Type of the last header, for meta(). */
  static metaType(block: Uint8Array): "L" | "x" {
    return block[156] === 0x4c ? "L" : "x";
  }
}

/**
 * A push parser: feed it the archive's bytes in chunks of any size. For each regular file, `want(member)` decides
 * whether its bytes are collected; collected files are passed to `file(member, bytes)` once complete. Memory is
 * one header block plus the files being collected.
 */
export class TarStream {
  private readonly state: HeaderState;
  private readonly block = new Uint8Array(BLOCK);
  private blockFill = 0;
  private offset = 0;
  /** The entry whose data is being read: its remaining bytes (data then padding) and where the data goes. */
  private remaining = 0;
  private padding = 0;
  private target: Uint8Array | undefined;
  private targetFill = 0;
  private member: TarMember | undefined;
  private metaType: "L" | "x" | undefined;
  private ended = false;

  constructor(
    private readonly where: string,
    private readonly want: (m: TarMember) => boolean,
    private readonly file: (m: TarMember, bytes: Uint8Array) => void,
    /** Offset of the first byte pushed, within the archive (for a slice of it). */
    start = 0,
  ) {
    this.state = new HeaderState(where);
    this.offset = start;
  }

  /** True once the end-of-archive block was read. */
  get complete(): boolean {
    return this.ended;
  }

  push(chunk: Uint8Array): void {
    let p = 0;
    while (p < chunk.length && !this.ended) {
      if (this.remaining > 0) {
        const n = Math.min(this.remaining, chunk.length - p);
        if (this.target !== undefined) this.target.set(chunk.subarray(p, p + n), this.targetFill);
        this.targetFill += n;
        this.remaining -= n;
        this.offset += n;
        p += n;
        if (this.remaining === 0) this.entryDone();
        continue;
      }
      if (this.padding > 0) {
        const n = Math.min(this.padding, chunk.length - p);
        this.padding -= n;
        this.offset += n;
        p += n;
        continue;
      }
      const n = Math.min(BLOCK - this.blockFill, chunk.length - p);
      this.block.set(chunk.subarray(p, p + n), this.blockFill);
      this.blockFill += n;
      p += n;
      if (this.blockFill < BLOCK) break;
      this.blockFill = 0;
      const at = this.offset;
      this.offset += BLOCK;
      const h = this.state.header(this.block, at);
      if (h === undefined) {
        this.ended = true;
        break;
      }
      this.metaType = h.kind === "meta" ? HeaderState.metaType(this.block) : undefined;
      this.member = h.kind === "member" ? h.member : undefined;
      const collect = h.kind === "meta" || (h.kind === "member" && this.want(h.member));
      this.target = collect ? new Uint8Array(h.size) : undefined;
      this.targetFill = 0;
      this.remaining = h.size;
      this.padding = paddedSize(h.size) - h.size;
      if (h.size === 0) this.entryDone();
    }
  }

  private entryDone(): void {
    const t = this.target;
    if (t === undefined) return;
    if (this.metaType !== undefined) this.state.meta(this.metaType, t, this.offset - t.length - BLOCK);
    else if (this.member !== undefined) this.file(this.member, t);
    this.target = undefined;
  }

  /** Checks that the input stopped at an entry boundary (and, when `endMarker`, at the end-of-archive block). */
  finish(endMarker: boolean): void {
    if (this.ended) return;
    if (this.remaining > 0 || this.padding > 0 || this.blockFill > 0) {
      const message = `the tar archive ends in the middle of an entry, at byte ${this.offset}`;
      throw new Ben19Error("E_TAR_TRUNCATED", message, { file: this.where, offset: this.offset }, INCOMPLETE);
    }
    if (endMarker) {
      const message = `the tar archive has no end-of-archive block (it stops after ${this.offset} bytes)`;
      throw new Ben19Error("E_TAR_TRUNCATED", message, { file: this.where, offset: this.offset }, INCOMPLETE);
    }
  }
}

/**
 * Every regular file of an uncompressed .tar, from its headers alone: one read of 64 KiB per header that is not in
 * the previous read (BigEarthNet's files are 1–30 KB, so most headers are), never reading data otherwise.
 */
export function indexTar(file: string, member: (m: TarMember) => void): void {
  const fd = openSync(file, "r");
  try {
    const state = new HeaderState(file);
    const window = Buffer.alloc(64 << 10);
    let winStart = 0;
    let winLen = 0;
    const read = (offset: number, length: number): Uint8Array => {
      if (offset < winStart || offset + length > winStart + winLen) {
        const buf = length > window.length ? Buffer.alloc(length) : window;
        const n = readSync(fd, buf, 0, Math.max(length, Math.min(buf.length, window.length)), offset);
        if (buf === window) {
          winStart = offset;
          winLen = n;
        }
        if (n < length) {
          const message = `the tar archive ends at byte ${offset + n}, inside an entry or header`;
          throw new Ben19Error("E_TAR_TRUNCATED", message, { file, offset: offset + n }, INCOMPLETE);
        }
        return buf.subarray(0, length);
      }
      return window.subarray(offset - winStart, offset - winStart + length);
    };
    for (let off = 0; ; ) {
      const block = read(off, BLOCK);
      const h = state.header(block, off);
      if (h === undefined) return;
      const type = h.kind === "meta" ? HeaderState.metaType(block) : undefined;
      if (type !== undefined) state.meta(type, Uint8Array.from(read(off + BLOCK, h.size)), off);
      else if (h.kind === "member") member(h.member);
      off += BLOCK + paddedSize(h.size);
    }
  } finally {
    closeSync(fd);
  }
}

/** Reads bytes [start, end) of a file. */
export function readRange(file: string, start: number, end: number): Uint8Array {
  const fd = openSync(file, "r");
  try {
    const buf = new Uint8Array(end - start);
    for (let got = 0; got < buf.length; ) {
      const n = readSync(fd, buf, got, buf.length - got, start + got);
      if (n === 0) {
        const hint = "the tarball changed since it was indexed, or is incomplete";
        const at = start + got;
        throw new Ben19Error("E_TAR_TRUNCATED", `the tar archive ends at byte ${at}`, { file, offset: at }, hint);
      }
      got += n;
    }
    return buf;
  } finally {
    closeSync(fd);
  }
}

/** The patch folder a member lies in and its file name: `…/<patch>/<file>`, or undefined for other paths. */
export function patchMember(path: string): { patch: string; file: string } | undefined {
  const parts = path.split("/").filter((s) => s !== "" && s !== ".");
  if (parts.length < 2) return undefined;
  return { patch: parts[parts.length - 2] as string, file: parts[parts.length - 1] as string };
}

/** The files of patch `name` among the members in archive bytes [start, end) of an uncompressed .tar. */
export function readTarPatch(file: string, name: string, start: number, end: number): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  const wanted = (m: TarMember): boolean => patchMember(m.path)?.patch === name;
  const keep = (m: TarMember, bytes: Uint8Array): void => {
    files.set((patchMember(m.path) as { file: string }).file, bytes);
  };
  const parser = new TarStream(file, wanted, keep, start);
  parser.push(readRange(file, start, end));
  parser.finish(false);
  return files;
}
