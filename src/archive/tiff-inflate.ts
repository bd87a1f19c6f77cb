// DEFLATE strips and tiles (TIFF compression 8 and 32946) through node:zlib, with a hard output cap: zlib stops
// as soon as the output passes `cap`, so a decompression bomb costs a few kilobytes, not its claimed size.
import { inflateSync } from "node:zlib";
import type { Inflate } from "./tiff-blocks.js";
import { BlockError } from "./tiff-codecs.js";

/** node:zlib's inflater for decodeBand. */
export const inflateCapped: Inflate = (src, cap) => {
  try {
    return inflateSync(src, { maxOutputLength: cap });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === "ERR_BUFFER_TOO_LARGE") throw new BlockError("overflow", `zlib output passed ${cap} bytes`);
    throw new BlockError("corrupt", `zlib: ${err.message}`);
  }
};
