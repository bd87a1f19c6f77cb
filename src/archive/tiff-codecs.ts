// The TIFF compressions that need no native library: LZW (TIFF 6.0 §13, as libtiff and GDAL write it) and
// PackBits. Both write into a caller's buffer and stop at its end, so a damaged or hostile block can never make
// them allocate: the caller sizes `out` to what the image needs. Browser-safe (the web demo uses them too).

/** Why a block could not be decoded; the caller turns it into a PatchError naming the patch and file. */
export class BlockError extends Error {
  /** "overflow": the block decodes to more bytes than `out` holds; "corrupt": the stream is malformed. */
  constructor(readonly kind: "overflow" | "corrupt", message: string) {
    super(message);
  }
}

const CLEAR = 256;
const EOI = 257;
const MAX_CODES = 4096;

// One dictionary per thread, reused: prefix code, last byte, first byte and length of each entry's string.
const prefixOf = new Uint16Array(MAX_CODES);
const suffixOf = new Uint8Array(MAX_CODES);
const firstOf = new Uint8Array(MAX_CODES);
const lengthOf = new Uint16Array(MAX_CODES);
for (let c = 0; c < 256; c++) {
  suffixOf[c] = c;
  firstOf[c] = c;
  lengthOf[c] = 1;
}

/**
 * Decodes a TIFF LZW block into `out` and returns the number of bytes written. MSB-first codes of 9 to 12 bits
 * that widen one code early ("early change"), as every current writer does; the pre-6.0 LSB-first variant
 * (starting 0x00 0x01) is not supported and reported as corrupt.
 */
export function lzwDecode(src: Uint8Array, out: Uint8Array): number {
  if (src.length >= 2 && src[0] === 0 && (src[1] as number) & 1) {
    throw new BlockError("corrupt", "old-style (pre-TIFF 6.0) LZW is not supported");
  }
  const cap = out.length;
  let bitPos = 0;
  const totalBits = src.length * 8;
  let width = 9;
  let next = 258;
  let old = -1;
  let n = 0;
  for (;;) {
    if (bitPos + width > totalBits) break; // no EOI: libtiff accepts a block that simply ends
    // Read `width` bits MSB-first from up to three bytes.
    const byte = bitPos >>> 3;
    const word = (((src[byte] as number) << 16) | ((src[byte + 1] ?? 0) << 8) | (src[byte + 2] ?? 0)) >>> 0;
    const code = (word >>> (24 - (bitPos & 7) - width)) & ((1 << width) - 1);
    bitPos += width;
    if (code === EOI) break;
    if (code === CLEAR) {
      width = 9;
      next = 258;
      old = -1;
      continue;
    }
    let entry: number;
    if (old === -1) {
      if (code > 255) throw new BlockError("corrupt", `LZW code ${code} before any string`);
      entry = code;
    } else if (code < next) {
      entry = code;
      if (next < MAX_CODES) {
        prefixOf[next] = old;
        suffixOf[next] = firstOf[code] as number;
        firstOf[next] = firstOf[old] as number;
        lengthOf[next] = (lengthOf[old] as number) + 1;
        next++;
      }
    } else if (code === next && next < MAX_CODES) {
      // The KwKwK case: the string is old's string plus its own first byte.
      prefixOf[next] = old;
      suffixOf[next] = firstOf[old] as number;
      firstOf[next] = firstOf[old] as number;
      lengthOf[next] = (lengthOf[old] as number) + 1;
      entry = next++;
    } else {
      throw new BlockError("corrupt", `LZW code ${code} is past the dictionary's ${next} entries`);
    }
    const len = lengthOf[entry] as number;
    if (n + len > cap) throw new BlockError("overflow", `the LZW stream decodes to more than ${cap} bytes`);
    // Write the string back to front by walking the prefix chain.
    let c = entry;
    for (let k = n + len - 1; k >= n; k--) {
      out[k] = suffixOf[c] as number;
      c = prefixOf[c] as number;
    }
    n += len;
    old = code;
    // Early change: the decoder is one entry behind the encoder, so it widens one code sooner.
    if (next === 511) width = 10;
    else if (next === 1023) width = 11;
    else if (next === 2047) width = 12;
  }
  return n;
}

/** Decodes a PackBits block (Apple's run-length scheme, TIFF 6.0 §9) into `out`; returns the bytes written. */
export function packBitsDecode(src: Uint8Array, out: Uint8Array): number {
  const cap = out.length;
  let n = 0;
  let i = 0;
  while (i < src.length) {
    const h = src[i++] as number;
    if (h < 128) {
      const len = h + 1;
      if (i + len > src.length) throw new BlockError("corrupt", "a PackBits literal run is cut off by the block's end");
      if (n + len > cap) throw new BlockError("overflow", `the PackBits stream decodes to more than ${cap} bytes`);
      out.set(src.subarray(i, i + len), n);
      i += len;
      n += len;
    } else if (h > 128) {
      const len = 257 - h;
      if (i >= src.length) throw new BlockError("corrupt", "a PackBits repeat run is cut off by the end of the block");
      if (n + len > cap) throw new BlockError("overflow", `the PackBits stream decodes to more than ${cap} bytes`);
      out.fill(src[i++] as number, n, n + len);
      n += len;
    } // 128 is a no-op
  }
  return n;
}
