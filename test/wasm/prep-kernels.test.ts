// The SIMD paths of the prep kernels against plain, independent TypeScript: the 16-lane CRC32C (taken from 4 KiB
// on) against the bitwise definition, and the packed band varints written eight values per step against a
// byte-at-a-time varint writer, at every 1-/2-byte pattern of eight values and with 3-byte values breaking runs.
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { BAND_NAMES, BAND_PIXELS } from "../../src/core/bands.js";
import { createCore, type ExampleInput } from "../../src/wasm/core.js";
import { crc32cBitwise } from "../../src/wasm/reference.js";
import { encodeEntries, s2Entries } from "../helpers/example-proto.js";

const core = await createCore();

/** `n` pseudo-random bytes of a seed (fast-check shrinks the seed and the length, not megabytes of data). */
function bytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}

// Lengths around where the lanes kernel starts (4,096) and around whole 256-byte blocks, where its tail begins.
const lengthArb = fc.oneof(
  fc.integer({ min: 4000, max: 4400 }),
  fc.integer({ min: 16, max: 600 }).map((k) => k * 256 + [-1, 0, 1, 15, 16, 255][k % 6]!),
  fc.integer({ min: 0, max: 200_000 }),
);

test("CRC32C of long inputs (16 SIMD lanes) equals the bitwise definition, one-shot and from any seed", () => {
  fc.assert(
    fc.property(lengthArb, fc.nat(), fc.nat(), (n, seed, crcSeed) => {
      const data = bytes(n, seed);
      assert.equal(core.crc32c(data), crc32cBitwise(data), `length ${n}`);
      assert.equal(core.crc32c(data, crcSeed), crc32cBitwise(data, crcSeed), `length ${n}, seed ${crcSeed}`);
    }),
    { numRuns: 40 },
  );
  for (const fill of [0, 0xff]) {
    const data = new Uint8Array(70_000).fill(fill);
    assert.equal(core.crc32c(data), crc32cBitwise(data), `70,000 × ${fill}`);
  }
});

/** The packed varints of u16 values, one byte at a time, as protobuf defines them. */
function packedReference(values: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let i = 0; i < values.length; i++) {
    let v = values[i] as number;
    while (v >= 0x80) {
      out.push((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    out.push(v);
  }
  return out;
}

/** Where `needle` starts in `hay` (at or after `from`), or -1. */
function indexOf(hay: Uint8Array, needle: readonly number[], from: number): number {
  return Buffer.from(hay.buffer, hay.byteOffset, hay.byteLength).indexOf(Buffer.from(needle), from);
}

/** Band indices (archive order) in the Example's key order: B01 … B09 B11 B12 B8A. */
const SORTED_BANDS = BAND_NAMES.map((_, i) => i).sort((a, b) => (BAND_NAMES[a]! < BAND_NAMES[b]! ? -1 : 1));

const VALUES = [0, 1, 127, 128, 129, 255, 256, 16383, 16384, 16385, 32767, 32768, 65534, 65535];
const valueArb = fc.oneof(fc.constantFrom(...VALUES), fc.integer({ min: 0, max: 127 }),
  fc.integer({ min: 128, max: 16383 }), fc.integer({ min: 0, max: 65535 }));

/** A patch whose bands repeat `values` (any length) from an offset, so runs cross every 8-value group boundary. */
const patchArb = fc.record({
  values: fc.array(valueArb, { minLength: 1, maxLength: 64 }),
  offset: fc.nat(63),
  multiHot: fc.array(fc.constantFrom(0, 1), { minLength: 19, maxLength: 19 }),
}).map(({ values, offset, multiHot }): ExampleInput => ({
  patchName: `p${values.length}_${offset}`,
  bands: BAND_PIXELS.map((n, b) =>
    Uint16Array.from({ length: n }, (_, i) => values[(i + offset + b) % values.length]!)),
  multiHot,
}));

test("packed band varints equal a byte-at-a-time writer and protobufjs, and decode back (random value runs)", () => {
  fc.assert(
    fc.property(patchArb, (x) => {
      const data = core.encodeExample(x);
      assert.deepEqual(Buffer.from(data), Buffer.from(encodeEntries(s2Entries(x))));
      let at = 0;
      for (const i of SORTED_BANDS) {
        const want = packedReference(x.bands[i]!);
        const found = indexOf(data, want, at);
        assert.ok(found >= 0, "a band's packed bytes are not in the Example");
        at = found + want.length;
      }
      const d = core.decodePatch(data);
      d.bands.forEach((b, i) => assert.deepEqual(b, x.bands[i]));
      assert.deepEqual(core.unframe(core.encodeRecord(x)), data);
    }),
    { numRuns: 60 },
  );
});

test("every pattern of 1- and 2-byte varints among eight values, at every band, is written as protobuf says", () => {
  // Group g of each band holds mask g % 256: value i is 2 bytes (128 + …) when bit i is set, else 1 byte.
  const bands = BAND_PIXELS.map((n, b) => Uint16Array.from({ length: n }, (_, i) => {
    const mask = (Math.floor(i / 8) + b * 7) % 256;
    const bit = i % 8;
    return mask & (1 << bit) ? 128 + ((i * 131) % 16256) : (i * 7 + b) % 128;
  }));
  const x = { patchName: "masks", bands, multiHot: new Array(19).fill(0) };
  assert.deepEqual(Buffer.from(core.encodeExample(x)), Buffer.from(encodeEntries(s2Entries(x))));
  core.decodePatch(core.encodeExample(x)).bands.forEach((b, i) => assert.deepEqual(b, bands[i]));
});
