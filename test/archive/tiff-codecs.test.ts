// LZW and PackBits against independent truth: synth's LZW encoder (property test) and the TIFF 6.0 spec's
// PackBits example; both stop at the end of their output buffer with a named kind of failure.
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { BlockError, lzwDecode, packBitsDecode } from "../../src/archive/tiff-codecs.js";
import { lzwEncode } from "../../src/synth/lzw.js";

/** Bytes that compress well (long runs, few symbols) or not at all, so codes of every width and CLEARs occur. */
const bytes = fc.oneof(
  fc.uint8Array({ maxLength: 3000 }),
  fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max: 400 })), { maxLength: 200 }).map((runs) => Uint8Array.from(runs.flatMap(([v, n]) => new Array<number>(n).fill(v)))),
);

test("LZW: decode(encode(x)) = x, including 12-bit codes and dictionary resets", () => {
  fc.assert(
    fc.property(bytes, (x) => {
      const out = new Uint8Array(x.length);
      assert.equal(lzwDecode(lzwEncode(x), out), x.length);
      assert.deepEqual(out, x);
    }),
    { numRuns: 300 },
  );
  // 64 KiB of noise passes 4,094 entries, so the encoder must clear and both sides restart at 9 bits.
  let s = 7;
  const noise = Uint8Array.from({ length: 65536 }, () => (s = (s * 1103515245 + 12345) >>> 0) >>> 24);
  const out = new Uint8Array(noise.length);
  assert.equal(lzwDecode(lzwEncode(noise), out), noise.length);
  assert.deepEqual(out, noise);
});

test("LZW: output past the buffer is an overflow; a code past the dictionary or old-style LZW is corrupt", () => {
  const x = Uint8Array.from({ length: 500 }, (_, i) => i % 7);
  assert.throws(() => lzwDecode(lzwEncode(x), new Uint8Array(499)), (e: unknown) => e instanceof BlockError && e.kind === "overflow");
  // CLEAR (256) then code 300 (9 bits each, MSB first): 100000000 100101100.
  assert.throws(() => lzwDecode(Uint8Array.from([0x80, 0x4b, 0x00]), new Uint8Array(10)), (e: unknown) => e instanceof BlockError && e.kind === "corrupt" && /300/.test(e.message));
  assert.throws(() => lzwDecode(Uint8Array.from([0x00, 0x01, 0x02]), new Uint8Array(10)), (e: unknown) => e instanceof BlockError && /old-style/.test(e.message));
});

test("PackBits: the TIFF 6.0 specification's example; overflow and a cut-off run are named", () => {
  const packed = Uint8Array.from([0xfe, 0xaa, 0x02, 0x80, 0x00, 0x2a, 0xfd, 0xaa, 0x03, 0x80, 0x00, 0x2a, 0x22, 0xf7, 0xaa]);
  const want = [0xaa, 0xaa, 0xaa, 0x80, 0x00, 0x2a, 0xaa, 0xaa, 0xaa, 0xaa, 0x80, 0x00, 0x2a, 0x22, ...new Array<number>(10).fill(0xaa)];
  const out = new Uint8Array(want.length);
  assert.equal(packBitsDecode(packed, out), want.length);
  assert.deepEqual([...out], want);
  assert.throws(() => packBitsDecode(packed, new Uint8Array(want.length - 1)), (e: unknown) => e instanceof BlockError && e.kind === "overflow");
  assert.throws(() => packBitsDecode(Uint8Array.from([0x05, 1, 2]), new Uint8Array(10)), (e: unknown) => e instanceof BlockError && e.kind === "corrupt");
  assert.equal(packBitsDecode(Uint8Array.from([0x80, 0x00, 9]), out), 1, "128 is a no-op header");
});
