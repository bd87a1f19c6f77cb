// LevelDB's table (SSTable) format as TensorFlow's lib/io/table writes it for a checkpoint's `.index` file:
// data blocks of prefix-compressed key/value entries with restart points, an index block mapping each data block's
// last key to its handle, and a 48-byte footer (metaindex handle, index handle, padding, magic). Every block is
// followed by a compression byte (0 none, 1 snappy) and the masked CRC32C of the block and that byte, which
// TensorFlow always verifies; so does this reader.
import { ProtoError, ProtoReader, readU32 as u32 } from "./proto.js";
import { snappyDecompress, SnappyError } from "./snappy.js";

export const TABLE_MAGIC = [0x57, 0xfb, 0x80, 0x8b, 0x24, 0x75, 0x47, 0xdb] as const;
export const FOOTER_BYTES = 48;
export const BLOCK_TRAILER_BYTES = 5;
export const COMPRESSION = { none: 0, snappy: 1 } as const;

/** What the table reader needs of the CRC: the masked CRC32C of bytes (the WASM core provides it). */
export interface MaskedCrc {
  maskedCrc32c(data: Uint8Array): number;
}

/** A malformed table; `offset` is where in the file, when known. */
export class TableError extends Error {
  constructor(message: string, readonly offset?: number) {
    super(message);
  }
}

interface Handle {
  offset: number;
  size: number;
}

function readHandle(r: ProtoReader): Handle {
  return { offset: r.varint(), size: r.varint() };
}


/** The contents of the block at `h`, checked against its CRC and decompressed. */
function readBlock(file: Uint8Array, h: Handle, crc: MaskedCrc): Uint8Array {
  const end = h.offset + h.size;
  if (end + BLOCK_TRAILER_BYTES > file.length) {
    throw new TableError(`block of ${h.size} bytes runs past the end of the file`, h.offset);
  }
  const stored = u32(file, end + 1);
  // The CRC covers the block and its compression byte.
  if (crc.maskedCrc32c(file.subarray(h.offset, end + 1)) !== stored) {
    throw new TableError("block checksum mismatch", h.offset);
  }
  const raw = file.subarray(h.offset, end);
  const type = file[end] as number;
  if (type === COMPRESSION.none) return raw;
  if (type === COMPRESSION.snappy) {
    try {
      return snappyDecompress(raw);
    } catch (e) {
      throw new TableError(`corrupt snappy block: ${(e as SnappyError).message}`, h.offset);
    }
  }
  throw new TableError(`unknown block compression type ${type}`, h.offset);
}

/** The key/value entries of one block, in order (keys rebuilt from their shared prefixes). */
function blockEntries(block: Uint8Array, at: number): [Uint8Array, Uint8Array][] {
  if (block.length < 4) throw new TableError("block shorter than its restart count", at);
  const restarts = u32(block, block.length - 4);
  const limit = block.length - 4 - 4 * restarts;
  if (restarts < 1 || limit < 0) throw new TableError(`bad restart count ${restarts}`, at);
  const r = new ProtoReader(block, limit);
  const out: [Uint8Array, Uint8Array][] = [];
  let key = new Uint8Array(0);
  while (!r.done) {
    const shared = r.varint();
    const own = r.varint();
    const valueLength = r.varint();
    if (shared > key.length) throw new TableError(`entry shares ${shared} bytes of a ${key.length}-byte key`, at);
    const next = new Uint8Array(shared + own);
    next.set(key.subarray(0, shared));
    next.set(r.bytes(own), shared);
    key = next;
    out.push([key, r.bytes(valueLength)]);
  }
  return out;
}

/** Every key/value entry of the table in `file`, in key order. */
export function readTable(file: Uint8Array, crc: MaskedCrc): [Uint8Array, Uint8Array][] {
  if (file.length < FOOTER_BYTES) {
    throw new TableError(`${file.length} bytes is shorter than a table footer (${FOOTER_BYTES})`);
  }
  const footer = file.length - FOOTER_BYTES;
  if (!TABLE_MAGIC.every((b, i) => file[footer + 40 + i] === b)) {
    throw new TableError("no table magic number at the end: not a checkpoint index", footer + 40);
  }
  try {
    const f = new ProtoReader(file.subarray(footer, footer + 40));
    readHandle(f); // metaindex: TensorFlow writes no filters, nothing to read there
    const indexHandle = readHandle(f);
    const out: [Uint8Array, Uint8Array][] = [];
    for (const [, value] of blockEntries(readBlock(file, indexHandle, crc), indexHandle.offset)) {
      const h = readHandle(new ProtoReader(value));
      out.push(...blockEntries(readBlock(file, h, crc), h.offset));
    }
    return out;
  } catch (e) {
    if (e instanceof ProtoError) throw new TableError(`malformed table: ${e.message}`);
    throw e;
  }
}
