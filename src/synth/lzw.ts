// The TIFF flavour of LZW (TIFF 6.0 §13): MSB-first codes of 9 to 12 bits, ClearCode 256, EndOfInformation 257,
// and the code width growing one code early ("early change"), as libtiff and GDAL write it.

const CLEAR = 256;
const EOI = 257;

/** LZW-compresses bytes for a TIFF strip or tile. */
export function lzwEncode(input: Uint8Array): Uint8Array {
  const out: number[] = [];
  let acc = 0;
  let nbits = 0;
  let width = 9;
  const emit = (code: number): void => {
    acc = (acc << width) | code;
    nbits += width;
    while (nbits >= 8) {
      out.push((acc >>> (nbits - 8)) & 0xff);
      nbits -= 8;
    }
    acc &= (1 << nbits) - 1;
  };
  let dict = new Map<number, number>(); // key: prefix code * 256 + byte
  let next = 258;
  emit(CLEAR);
  if (input.length === 0) {
    emit(EOI);
    if (nbits > 0) out.push((acc << (8 - nbits)) & 0xff);
    return Uint8Array.from(out);
  }
  let prefix = input[0] as number;
  for (let i = 1; i < input.length; i++) {
    const b = input[i] as number;
    const key = prefix * 256 + b;
    const code = dict.get(key);
    if (code !== undefined) {
      prefix = code;
      continue;
    }
    emit(prefix);
    dict.set(key, next++);
    // libtiff's rule: widen once the next free code no longer fits. The decoder, one entry behind, widens one
    // code early ("early change"), so both agree on the width of every code.
    if (next === 512 || next === 1024 || next === 2048) width++;
    if (next === 4094) {
      emit(CLEAR);
      dict = new Map();
      next = 258;
      width = 9;
    }
    prefix = b;
  }
  emit(prefix);
  emit(EOI);
  if (nbits > 0) out.push((acc << (8 - nbits)) & 0xff);
  return Uint8Array.from(out);
}
