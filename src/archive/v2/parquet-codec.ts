// Page decompression for the parquet fast path (parquet-chunk.ts). zstd, the codec of reBEN's metadata tables, goes
// through node:zlib's native zstdDecompressSync where Node has it (22.15+, ~10× faster than JS) and through fzstd,
// the pure-JS decoder, on Node 20 (BEN19_PURE_ZSTD=1 forces fzstd, so that tests cover it on any Node). SNAPPY (the
// default of hyparquet-writer, pyarrow and others) uses hyparquet's decoder, GZIP node:zlib. Every page must inflate
// to exactly the size its header declares: anything else is a damaged file.
import * as zlib from "node:zlib";
import { decompress as fzstd } from "fzstd";
import { snappyUncompress } from "hyparquet";

/** The codecs the fast path decodes; other codecs send the column chunk to hyparquet. */
export const FAST_CODECS = ["UNCOMPRESSED", "ZSTD", "SNAPPY", "GZIP"] as const;
export type FastCodec = (typeof FAST_CODECS)[number];

type ZstdSync = (buf: Uint8Array, options?: zlib.ZlibOptions) => Buffer;

/** node:zlib's zstd, unless absent (Node < 22.15) or BEN19_PURE_ZSTD=1. */
function nativeZstd(): ZstdSync | undefined {
  const z = (zlib as unknown as { zstdDecompressSync?: ZstdSync }).zstdDecompressSync;
  return process.env.BEN19_PURE_ZSTD === "1" ? undefined : z;
}

/** Which zstd decoder this process uses (for the bench and the tests). */
export function zstdDecoder(): "node:zlib" | "fzstd" {
  return nativeZstd() === undefined ? "fzstd" : "node:zlib";
}

/**
 * node:zlib's sync calls stop at maxOutputLength (a bomb costs nothing) and, with one chunk as large as the page,
 * skip the copy of 16 KB chunks into the result (which took more CPU than zstd itself).
 */
function zlibOptions(size: number): zlib.ZlibOptions {
  const n = Math.max(64, size);
  return { chunkSize: n, maxOutputLength: n };
}

/** `src` inflated to exactly `size` bytes; throws (a plain Error: the caller names the file and column) otherwise. */
export function decompressPage(src: Uint8Array, size: number, codec: FastCodec): Uint8Array {
  let out: Uint8Array;
  switch (codec) {
    case "UNCOMPRESSED":
      out = src;
      break;
    case "ZSTD": {
      const native = nativeZstd();
      // fzstd gets no output buffer: given one, it returns the whole buffer however little it wrote, and a short
      // page would go unnoticed.
      out = native !== undefined ? native(src, zlibOptions(size)) : fzstd(src);
      break;
    }
    case "SNAPPY":
      out = new Uint8Array(size);
      snappyUncompress(src, out);
      break;
    case "GZIP":
      out = zlib.gunzipSync(src, zlibOptions(size));
      break;
  }
  if (out.length !== size) throw new Error(`a ${codec} page inflates to ${out.length} bytes, its header says ${size}`);
  return out;
}
