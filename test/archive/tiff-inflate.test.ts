// The reusable-handle inflater against zlib.inflateSync (the portable path) on valid, truncated, corrupt and
// too-long streams: the same bytes, or both fail (a stream both cut and too long may fail either way first); the
// clean cases fail the same way; and the same inside a worker thread.
import assert from "node:assert/strict";
import { test } from "node:test";
import { deflateSync } from "node:zlib";
import fc from "fast-check";
import { BlockError } from "../../src/archive/tiff-codecs.js";
import { inflateCapped, inflateCappedPortable } from "../../src/archive/tiff-inflate.js";
import { inWorker } from "../helpers/in-worker.js";

type Outcome = { bytes: number[] } | { kind: string };

function outcome(f: (s: Uint8Array, cap: number) => Uint8Array, src: Uint8Array, cap: number): Outcome {
  try {
    return { bytes: [...f(src, cap)] };
  } catch (e) {
    assert.ok(e instanceof BlockError, String(e));
    return { kind: e.kind };
  }
}

/** A zlib stream of some bytes, then maybe cut short or with one byte changed. */
const streams = fc
  .tuple(fc.uint8Array({ maxLength: 4000 }), fc.integer({ min: 0, max: 3 }), fc.nat(), fc.nat({ max: 255 }))
  .map(([raw, damage, at, value]) => {
    const z = new Uint8Array(deflateSync(raw));
    if (damage === 1) return { raw, z: z.subarray(0, at % z.length) };
    const i = at % z.length;
    if (damage === 2) z[i] = (z[i] as number) ^ (value | 1);
    return { raw, z };
  });

test("inflateCapped equals inflateSync with maxOutputLength on valid, cut, damaged and oversized streams", () => {
  fc.assert(
    fc.property(streams, fc.integer({ min: 1, max: 4100 }), ({ z }, cap) => {
      const a = outcome(inflateCapped, z, cap);
      const b = outcome(inflateCappedPortable, z, cap);
      if ("bytes" in a || "bytes" in b) assert.deepEqual(a, b);
    }),
    { numRuns: 400 },
  );
  const raw = Uint8Array.from({ length: 3000 }, (_, i) => (i * 31) & 0xff);
  const z = deflateSync(raw);
  for (const f of [inflateCapped, inflateCappedPortable]) {
    assert.deepEqual(outcome(f, z, 2999), { kind: "overflow" });
    assert.deepEqual(outcome(f, z.subarray(0, 40), 3000), { kind: "corrupt" });
    assert.deepEqual(outcome(f, z, 3000), { bytes: [...raw] });
  }
  // After a failure the next stream still inflates.
  const ok = deflateSync(Buffer.from("after an error"));
  assert.throws(() => inflateCapped(Uint8Array.from([0x78, 0x9c, 0xff, 0xff]), 100), BlockError);
  assert.equal(Buffer.from(inflateCapped(ok, 100)).toString(), "after an error");
});

test("inflateCapped inside a worker thread", async () => {
  const raw = Uint8Array.from({ length: 8160 }, (_, i) => (i * 7) & 0xff);
  const url = new URL("../../src/archive/tiff-inflate.ts", import.meta.url);
  assert.deepEqual([...(await inWorker<Uint8Array>(url, "inflateCapped", [deflateSync(raw), 8160]))], [...raw]);
  await assert.rejects(inWorker(url, "inflateCapped", [deflateSync(raw), 8159]), (e: { message?: string }) => /passed 8159/.test(e.message ?? ""));
});
