// Slow, obviously correct TypeScript twins of the WASM kernels, for tests: the bitwise CRC32C of the definition
// and the TFRecord mask, written straight from ../shared/bigearthnet/FACTS.md.
import { CRC32C_POLY, TFRECORD_MASK_DELTA } from "../core/constants.js";

/** CRC32C one bit at a time (reflected polynomial 0x82F63B78), continuing from `seed`. */
export function crc32cBitwise(data: Uint8Array, seed = 0): number {
  let c = ~seed >>> 0;
  for (const byte of data) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ CRC32C_POLY : c >>> 1;
  }
  return ~c >>> 0;
}

/** masked(c) = ((c >>> 15) | (c << 17)) + 0xa282ead8 mod 2^32. */
export function maskReference(c: number): number {
  return (((c >>> 15) | (c << 17)) + TFRECORD_MASK_DELTA) >>> 0;
}

const f = Math.fround;

/** TF1 resize_bicubic, one output pixel at a time, float32 rounding made explicit with Math.fround. */
export function tf1BicubicReference(
  src: Float32Array, inH: number, inW: number, outH: number, outW: number,
): Float32Array {
  const a = -0.75;
  const table = new Float32Array(2 * 1025);
  for (let i = 0; i <= 1024; i++) {
    const x = i / 1024;
    table[2 * i] = ((a + 2) * x - (a + 3)) * x * x + 1;
    const x1 = x + 1;
    table[2 * i + 1] = ((a * x1 - 5 * a) * x1 + 8 * a) * x1 - 4 * a;
  }
  const rint = (v: number): number => {
    const r = Math.round(v);
    return Math.abs(v - Math.trunc(v)) === 0.5 ? 2 * Math.round(v / 2) : r; // round half to even, as lrintf
  };
  const taps = (o: number, inN: number, outN: number): { idx: number[]; w: number[] } => {
    const s = f(o * f(inN / outN));
    const loc = Math.floor(s);
    const off = rint(f(f(s - loc) * 1024));
    const w = [table[off * 2 + 1], table[off * 2], table[(1024 - off) * 2], table[(1024 - off) * 2 + 1]] as number[];
    return { idx: [0, 1, 2, 3].map((k) => Math.min(inN - 1, Math.max(0, loc - 1 + k))), w };
  };
  const out = new Float32Array(outH * outW);
  for (let y = 0; y < outH; y++) {
    const ty = taps(y, inH, outH);
    for (let x = 0; x < outW; x++) {
      const tx = taps(x, inW, outW);
      const col = tx.idx.map((c) =>
        ty.idx.reduce((acc, r, k) => f(acc + f((src[r * inW + c] as number) * (ty.w[k] as number))), 0));
      out[y * outW + x] = col.reduce((acc, v, k) => f(acc + f(v * (tx.w[k] as number))), 0);
    }
  }
  return out;
}
