// Reading members of a zip archive (the reference publishes its checkpoints as zips) without extracting it: the
// end-of-central-directory record locates the central directory, which lists every member's method, sizes and
// local header offset (Zip64 fields included); members are stored (0) or deflated (8, node:zlib inflateRaw).
// Only the members asked for are read, straight from the file.
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import * as zlib from "node:zlib";
import { CheckpointError } from "../core/errors.js";

export interface ZipMember {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  crc32: number;
  localOffset: number;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const MAX_COMMENT = 0xffff;

function u64(b: Buffer, at: number): number {
  return b.readUInt32LE(at) + b.readUInt32LE(at + 4) * 2 ** 32;
}

export class ZipReader {
  readonly members: ZipMember[];
  private readonly fd: number;
  private readonly bytes: number;

  constructor(readonly file: string) {
    this.fd = openSync(file, "r");
    try {
      this.bytes = fstatSync(this.fd).size;
      this.members = this.directory();
    } catch (e) {
      closeSync(this.fd);
      throw e;
    }
  }

  close(): void {
    closeSync(this.fd);
  }

  private read(offset: number, length: number): Buffer {
    const b = Buffer.alloc(length);
    let got = 0;
    while (got < length) {
      const n = readSync(this.fd, b, got, length - got, offset + got);
      if (n === 0) this.fail(`unexpected end of file reading ${length} bytes at ${offset}`, offset);
      got += n;
    }
    return b;
  }

  private fail(what: string, offset?: number): never {
    throw new CheckpointError("E_CKPT_ZIP", `not a readable zip: ${what}`, { file: this.file, offset },
      "download the zip again (the reference's K-BranchCNN.zip, VGG16.zip, …) or pass the extracted folder");
  }

  private directory(): ZipMember[] {
    const tailLength = Math.min(this.bytes, 22 + MAX_COMMENT);
    const tail = this.read(this.bytes - tailLength, tailLength);
    let at = -1;
    for (let i = tail.length - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === EOCD) {
        at = i;
        break;
      }
    }
    if (at < 0) this.fail("no end-of-central-directory record");
    let count = tail.readUInt16LE(at + 10);
    let size = tail.readUInt32LE(at + 12);
    let offset = tail.readUInt32LE(at + 16);
    const eocdOffset = this.bytes - tailLength + at;
    if ((count === 0xffff || size === 0xffffffff || offset === 0xffffffff) && eocdOffset >= 20) {
      const loc = this.read(eocdOffset - 20, 20);
      if (loc.readUInt32LE(0) === ZIP64_LOCATOR) {
        const z = this.read(u64(loc, 8), 56);
        if (z.readUInt32LE(0) !== ZIP64_EOCD) this.fail("bad Zip64 end-of-central-directory record");
        count = u64(z, 32);
        size = u64(z, 40);
        offset = u64(z, 48);
      }
    }
    if (offset + size > this.bytes) {
      this.fail("the central directory runs past the end of the file (truncated download?)");
    }
    const dir = this.read(offset, size);
    const out: ZipMember[] = [];
    let p = 0;
    for (let i = 0; i < count; i++) {
      if (p + 46 > dir.length || dir.readUInt32LE(p) !== CENTRAL) {
        this.fail(`bad central directory entry ${i}`, offset + p);
      }
      const nameLength = dir.readUInt16LE(p + 28);
      const extraLength = dir.readUInt16LE(p + 30);
      const commentLength = dir.readUInt16LE(p + 32);
      const m: ZipMember = {
        name: dir.toString("utf8", p + 46, p + 46 + nameLength),
        method: dir.readUInt16LE(p + 10),
        crc32: dir.readUInt32LE(p + 16),
        compressedSize: dir.readUInt32LE(p + 20),
        size: dir.readUInt32LE(p + 24),
        localOffset: dir.readUInt32LE(p + 42),
      };
      // Zip64 extra field (id 1): the 64-bit values, in this order, of those whose 32-bit field is 0xffffffff.
      let e = p + 46 + nameLength;
      const extraEnd = e + extraLength;
      while (e + 4 <= extraEnd) {
        const id = dir.readUInt16LE(e);
        const len = dir.readUInt16LE(e + 2);
        if (id === 1) {
          let q = e + 4;
          if (m.size === 0xffffffff) {
            m.size = u64(dir, q);
            q += 8;
          }
          if (m.compressedSize === 0xffffffff) {
            m.compressedSize = u64(dir, q);
            q += 8;
          }
          if (m.localOffset === 0xffffffff) m.localOffset = u64(dir, q);
        }
        e += 4 + len;
      }
      out.push(m);
      p = extraEnd + commentLength;
    }
    return out;
  }

  /** The uncompressed bytes of `m`, checked against the member's size and CRC-32 (when node:zlib has crc32). */
  extract(m: ZipMember): Uint8Array {
    const local = this.read(m.localOffset, 30);
    if (local.readUInt32LE(0) !== LOCAL) this.fail(`bad local header of ${m.name}`, m.localOffset);
    const start = m.localOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
    if (start + m.compressedSize > this.bytes) {
      this.fail(`${m.name} runs past the end of the file (truncated download?)`, start);
    }
    const raw = this.read(start, m.compressedSize);
    let data: Uint8Array;
    if (m.method === 0) data = raw;
    else if (m.method === 8) {
      try {
        data = zlib.inflateRawSync(raw);
      } catch (e) {
        this.fail(`${m.name} does not inflate: ${(e as Error).message}`, start);
      }
    } else this.fail(`${m.name} uses compression method ${m.method} (only stored and deflate are read)`, start);
    if (data.length !== m.size) this.fail(`${m.name} is ${data.length} bytes, the directory says ${m.size}`, start);
    // zlib.crc32 exists from Node 20.15 and 22.2; older Node relies on the checkpoint's own CRC32C checks.
    const crc32 = (zlib as { crc32?: (d: Uint8Array) => number }).crc32;
    if (crc32 !== undefined && crc32(data) >>> 0 !== m.crc32) this.fail(`${m.name} fails its CRC-32`, start);
    return data;
  }
}
