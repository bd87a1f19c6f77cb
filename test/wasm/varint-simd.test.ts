// The core's SIMD paths over packed band varints: eight 2-byte varints per step when decoding, 16 bytes per step
// when counting values. Both must give what the byte-at-a-time rules give, at every alignment of the values that
// break a run (1- and 3-byte varints), at the end of a band, and when a list holds more values than the band.
import assert from "node:assert/strict";
import { test } from "node:test";
import { BAND_PIXELS } from "../../src/core/bands.js";
import { CorruptRecordError } from "../../src/core/errors.js";
import { createCore } from "../../src/wasm/core.js";

const core = await createCore();

/** A protobuf varint, written independently of the core. */
function varint(v: number): number[] {
  const out: number[] = [];
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}
const field = (no: number, body: readonly number[]): number[] => [(no << 3) | 2, ...varint(body.length), ...body];

/** An Example with the single feature `B01` holding `values` as a packed Int64List. */
function b01Example(values: readonly number[]): Uint8Array {
  const list = field(1, values.flatMap(varint));
  const entry = [...field(1, [..."B01"].map((c) => c.charCodeAt(0))), ...field(2, field(3, list))];
  return new Uint8Array(field(1, field(1, entry)));
}

test("band values round-trip through runs of 2-byte varints broken by 1- and 3-byte ones at every alignment", () => {
  for (let k = 0; k < 24; k++) {
    const bands = BAND_PIXELS.map((n, b) => Uint16Array.from({ length: n }, (_, i) => 128 + ((i * 37 + b * 101) % 16256)));
    const b0 = bands[0] as Uint16Array;
    b0[k] = k; // 1 byte
    b0[k + 9] = 16384 + k; // 3 bytes
    b0[399 - k] = 65535 - k; // near the end of the band
    (bands[1] as Uint16Array)[k * 5] = 127; // the largest 1-byte value
    (bands[2] as Uint16Array)[14399 - k] = 0;
    const d = core.decodePatch(core.encodeExample({ patchName: `p${k}`, bands, multiHot: new Array(19).fill(0) }));
    d.bands.forEach((b, i) => assert.deepEqual(b, bands[i], `alignment ${k}, band ${i}`));
  }
});

test("value counts of packed lists of any length, and a list longer than its band is E_BAD_FEATURE for B01", () => {
  for (const n of [1, 15, 16, 17, 400, 401, 408, 409]) {
    const values = Array.from({ length: n }, (_, i) => (i % 7 === 3 ? 5 : 200 + i));
    const [f] = core.decodeExample(b01Example(values));
    assert.equal(f?.key, "B01");
    assert.equal(f?.count, n);
  }
  for (const n of [401, 408, 416]) {
    assert.throws(() => core.decodePatch(b01Example(Array.from({ length: n }, (_, i) => 300 + i))), (e: unknown) => e instanceof CorruptRecordError && e.code === "E_BAD_FEATURE" && /B01/.test(e.message));
  }
});

test("decodePatchInPlace with the record's masked CRC checks it on the copy in the core", () => {
  const bands = BAND_PIXELS.map((n) => new Uint16Array(n).fill(1000));
  const data = core.encodeExample({ patchName: "crc", bands, multiHot: new Array(19).fill(0) });
  assert.equal(core.decodePatchInPlace(data, core.maskedCrc32c(data)).patchName, "crc");
  assert.throws(() => core.decodePatchInPlace(data, core.maskedCrc32c(data) ^ 1), (e: unknown) => e instanceof CorruptRecordError && e.code === "E_BAD_DATA_CRC");
});
