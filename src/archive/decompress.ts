// The decompressed bytes of a compressed tarball, in chunks, for one streaming pass: gzip through node:zlib (on
// libuv's thread pool), zstd through node:zlib where Node has it (22.15+) and otherwise through fzstd, a pure-JS
// streaming decoder (Node 20 has no zstd). Memory stays bounded: one input chunk and what it decompresses to.
import { createReadStream } from "node:fs";
import * as zlib from "node:zlib";
import { Decompress } from "fzstd";
import { Ben19Error } from "../core/errors.js";

export type Compression = "gzip" | "zstd";

const READ_CHUNK = 1 << 20;

/** A readable buffer this deep lets zlib decompress ahead while the caller's thread writes records. */
const zlibOptions = { chunkSize: 256 << 10, readableHighWaterMark: 16 << 20 } as zlib.ZlibOptions;

type Transform = NodeJS.ReadWriteStream & { destroy(e?: Error): void };

function nodeZstd(): (() => Transform) | undefined {
  const make = (zlib as unknown as { createZstdDecompress?: (o?: object) => Transform }).createZstdDecompress;
  return make === undefined || process.env.BEN19_PURE_ZSTD === "1" ? undefined : () => make(zlibOptions);
}

function damaged(file: string, what: string, e: unknown): Ben19Error {
  const hint = `the file is not ${what}-compressed or is damaged: download it again`;
  return new Ben19Error("E_TAR_CORRUPT", `cannot read the compressed tarball: ${(e as Error).message}`, { file }, hint);
}

/** The decompressed bytes of `file`. */
export function decompressed(file: string, compression: Compression): AsyncIterable<Uint8Array> {
  const raw = createReadStream(file, { highWaterMark: READ_CHUNK });
  const native = compression === "gzip" ? () => zlib.createGunzip(zlibOptions) : nodeZstd();
  if (native !== undefined) {
    const z = native();
    raw.on("error", (e) => z.destroy(e));
    return raw.pipe(z) as unknown as AsyncIterable<Uint8Array>;
  }
  return fzstdChunks(raw, file);
}

async function* fzstdChunks(raw: AsyncIterable<Buffer>, file: string): AsyncGenerator<Uint8Array> {
  let out: Uint8Array[] = [];
  let ended = false;
  const d = new Decompress((chunk, final) => {
    out.push(chunk);
    if (final === true) ended = true;
  });
  const push = (chunk: Uint8Array, final: boolean): Uint8Array[] => {
    try {
      d.push(chunk, final);
    } catch (e) {
      throw damaged(file, "zstd", e);
    }
    const got = out;
    out = [];
    return got;
  };
  for await (const chunk of raw) yield* push(chunk, false);
  yield* push(new Uint8Array(0), true);
  if (!ended) throw damaged(file, "zstd", new Error("the zstd stream ends early"));
}
