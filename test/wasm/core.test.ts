import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { test } from "node:test";
import fc from "fast-check";
import { BAND_PIXELS } from "../../src/core/bands.js";
import { CorruptRecordError } from "../../src/core/errors.js";
import { LABELS_19 } from "../../src/labels/nomenclature.js";
import { createCore, type ExampleInput } from "../../src/wasm/core.js";
import { crc32cBitwise, maskReference } from "../../src/wasm/reference.js";
import { SORTED_KEYS } from "../../src/wasm/status.js";
import { needShared, PROJECT_ROOT, SHARED_DIR } from "../helpers/env.js";
import { encodeEntries, s2Entries } from "../helpers/example-proto.js";

const core = await createCore();
const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

test("CRC32C known answers", () => {
  assert.equal(core.crc32c(ascii("123456789")), 0xe3069283);
  assert.equal(core.crc32c(new Uint8Array(0)), 0);
  assert.equal(core.crc32c(new Uint8Array(32)), 0x8a9136aa);
  assert.equal(core.crc32c(new Uint8Array(32).fill(0xff)), 0x62a8ab43);
  assert.equal(crc32cBitwise(ascii("123456789")), 0xe3069283);
  assert.equal(core.maskedCrc32c(ascii("123456789")), maskReference(0xe3069283));
});

test("CRC32C in WASM equals the bitwise twin, one-shot and streamed in any chunking", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), fc.array(fc.nat(300), { maxLength: 5 }), (data, cuts) => {
      const want = crc32cBitwise(data);
      assert.equal(core.crc32c(data), want);
      let crc = 0;
      let prev = 0;
      for (const c of [...cuts.map((x) => Math.min(x, data.length))].sort((a, b) => a - b).concat(data.length)) {
        crc = core.crc32c(data.subarray(prev, c), crc);
        prev = c;
      }
      assert.equal(crc, want);
    }),
    { numRuns: 300 },
  );
});

test("CRC32C over lengths straddling the 393,216-byte I/O window", () => {
  const window = 393216;
  for (const n of [window - 17, window - 1, window, window + 1, window + 15, 2 * window + 3]) {
    const data = new Uint8Array(n);
    for (let i = 0; i < n; i++) data[i] = (i * 2654435761) >>> 24;
    assert.equal(core.crc32c(data), crc32cBitwise(data), `length ${n}`);
  }
});

const protobufjsEncode = (x: ExampleInput): Uint8Array => encodeEntries(s2Entries(x));

const BOUNDARY = [0, 127, 128, 16383, 16384, 65535];
const patchArb = fc.record({
  patchName: fc.oneof(fc.constant("S2B_MSIL2A_20170924T93020_69_24"), fc.string({ unit: "grapheme", minLength: 1, maxLength: 40 })),
  seed: fc.nat(),
  boundary: fc.boolean(),
  multiHot: fc.array(fc.constantFrom(0, 1), { minLength: 19, maxLength: 19 }),
}).map(({ patchName, seed, boundary, multiHot }): ExampleInput => {
  let s = seed;
  const next = (): number => (s = (Math.imul(s, 1103515245) + 12345) >>> 0);
  const bands = BAND_PIXELS.map((n) => Uint16Array.from({ length: n }, (_, i) => (boundary && i < 60 ? (BOUNDARY[i % 6] as number) : next() >>> (next() % 16 + 16))));
  return { patchName, bands, multiHot };
});

test("the Example encoder is byte-identical to protobufjs (random patches, varint boundaries, empty labels, non-ASCII names)", () => {
  fc.assert(
    fc.property(patchArb, (x) => {
      assert.deepEqual(Buffer.from(core.encodeExample(x)), Buffer.from(protobufjsEncode(x)));
    }),
    { numRuns: 60 },
  );
  const empty = { patchName: "Ünïcødé_パッチ", bands: BAND_PIXELS.map((n) => new Uint16Array(n).fill(65535)), multiHot: new Array(19).fill(0) };
  assert.deepEqual(Buffer.from(core.encodeExample(empty)), Buffer.from(protobufjsEncode(empty)));
});

test("encodeRecord = frame(encodeExample); decodePatch inverts it; decodeExample lists the 15 features", () => {
  fc.assert(
    fc.property(patchArb, (x) => {
      const rec = core.encodeRecord(x);
      assert.deepEqual(rec, core.frame(core.encodeExample(x)));
      const d = core.decodePatch(core.unframe(rec));
      assert.equal(d.patchName, x.patchName);
      d.bands.forEach((b, i) => assert.deepEqual(b, x.bands[i]));
      assert.deepEqual([...d.multiHot], Array.from(x.multiHot));
      assert.deepEqual(d.labels, LABELS_19.filter((_, k) => x.multiHot[k] === 1));
      const f = core.decodeExample(core.encodeExample(x));
      assert.deepEqual(f.map((e) => e.key), [...SORTED_KEYS]);
      assert.equal(f[0]?.count, 400);
    }),
    { numRuns: 20 },
  );
});

test("golden records decode and re-encode to identical bytes", (t) => {
  if (!needShared(t)) return;
  const g = readFileSync(join(SHARED_DIR, "golden", "real-v1.tfrecord"));
  let off = 0;
  let n = 0;
  while (off < g.length) {
    const len = Number(g.readBigUInt64LE(off));
    const rec = new Uint8Array(g.subarray(off, off + len + 16));
    assert.deepEqual(core.encodeRecord(core.decodePatch(core.unframe(rec))), rec);
    off += len + 16;
    n++;
  }
  assert.equal(n, 6);
});

test("bad Examples give named CorruptRecordErrors, never a trap", () => {
  const x = { patchName: "p", bands: BAND_PIXELS.map((n) => new Uint16Array(n)), multiHot: new Array(19).fill(0) };
  const good = core.encodeExample(x);
  const code = (data: Uint8Array): string => {
    try {
      core.decodePatch(data);
      return "ok";
    } catch (e) {
      assert.ok(e instanceof CorruptRecordError, String(e));
      return e.code;
    }
  };
  assert.equal(code(good), "ok");
  assert.equal(code(good.subarray(0, good.length - 3)), "E_TRUNCATED_MESSAGE");
  assert.equal(code(new Uint8Array([0x0a, 0x00])), "E_MISSING_FEATURE");
  assert.equal(code(new Uint8Array([0x0f, 0x01])), "E_BAD_WIRE_TYPE");
  assert.equal(code(new Uint8Array([0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01])), "E_BAD_VARINT");
  const bad = { ...x, bands: x.bands.map((b, i) => (i === 0 ? b.subarray(0, 399) : b)) };
  const short = protobufjsEncode({ ...bad, bands: bad.bands });
  assert.equal(code(short), "E_BAD_FEATURE");
  const big = encodeEntries([{ key: "B01", value: { int64List: { value: [70000] } } }]);
  assert.equal(code(big), "E_BAD_VALUE");
  fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (junk) => void code(junk)), { numRuns: 500 });
});

test("band values: non-canonical (over-long) varints decode as protobuf says, after the fast 3-byte path hands over", () => {
  const bands = BAND_PIXELS.map((n) => new Uint16Array(n).fill(7));
  (bands[0] as Uint16Array).set([20000, 20000]); // two 3-byte varints: a0 9c 01 a0 9c 01
  const good = core.encodeExample({ patchName: "p", bands, multiHot: new Array(19).fill(0) });
  const at = good.findIndex((_, i) => [0xa0, 0x9c, 0x01, 0xa0, 0x9c, 0x01].every((b, k) => good[i + k] === b));
  assert.ok(at > 0);
  // Same 6 bytes, same 2 values: 20000 as an over-long 4-byte varint, then 200.
  const patched = good.slice();
  patched.set([0xa0, 0x9c, 0x81, 0x00, 0xc8, 0x01], at);
  const p = core.decodePatch(patched);
  assert.deepEqual(Array.from((p.bands[0] as Uint16Array).subarray(0, 4)), [20000, 200, 7, 7]);
  assert.ok((p.bands[0] as Uint16Array).subarray(2).every((v) => v === 7));
  assert.ok(p.bands.slice(1).every((b) => b.every((v) => v === 7)));
});

test("ben19/wasm imports no Node built-in anywhere in its import graph", () => {
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const src = readFileSync(file, "utf8");
    for (const m of src.matchAll(/(?:import|export)[^"']*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g)) {
      const spec = (m[1] ?? m[2]) as string;
      assert.ok(!spec.startsWith("node:"), `${file} imports ${spec}`);
      if (spec.startsWith(".")) {
        const target = resolve(dirname(file), spec);
        visit(target.endsWith(".js") && !target.includes("/build/") ? target.replace(/\.js$/, ".ts") : target);
      } else assert.fail(`${file} imports the package ${spec}`);
    }
  };
  visit(join(PROJECT_ROOT, "src", "wasm", "index.ts"));
  assert.ok(seen.size >= 5);
});
