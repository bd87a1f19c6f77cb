import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { createCore } from "../../src/wasm/core.js";
import { tf1BicubicReference } from "../../src/wasm/reference.js";

const core = await createCore();

test("tf1-bicubic 2× upsampling: even outputs copy the input, odd ones weigh (−0.09375, 0.59375, 0.59375, −0.09375); edges clamp", () => {
  // A 1-row ramp made 2-D by repeating it: rows are equal, so the vertical pass is the identity (weights sum to 1).
  const v = [10, 20, 40, 80];
  const src = Float32Array.from([...v, ...v, ...v, ...v]);
  const out = core.resample(src, 4, 4, 8, 8, "tf1-bicubic");
  const row = Array.from(out.subarray(0, 8));
  const w = [-0.09375, 0.59375, 0.59375, -0.09375];
  const at = (i: number): number => v[Math.min(3, Math.max(0, i))] as number;
  const odd = (k: number): number => w.reduce((s, wk, j) => s + wk * at(k - 1 + j), 0);
  const expected = [v[0], odd(0), v[1], odd(1), v[2], odd(2), v[3], odd(3)] as number[];
  row.forEach((x, i) => assert.ok(Math.abs(x - (expected[i] as number)) < 1e-4, `x=${i}: ${x} vs ${expected[i]}`));
  // Hand check of two values: odd(0) = −0.09375·10 + 0.59375·10 + 0.59375·20 − 0.09375·40 = 13.125 (left edge clamped).
  assert.ok(Math.abs((row[1] as number) - 13.125) < 1e-5);
  // odd(3) = −0.09375·40 + 0.59375·80 + 0.59375·80 − 0.09375·80 = 83.75 (right edge clamped).
  assert.ok(Math.abs((row[7] as number) - 83.75) < 1e-5);
  for (let y = 1; y < 8; y++) assert.deepEqual(Array.from(out.subarray(y * 8, y * 8 + 8)), row);
});

test("tf1-bicubic in WASM equals the per-pixel TS twin exactly on random sizes and values", () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 24 }), fc.integer({ min: 1, max: 24 }), fc.integer({ min: 1, max: 48 }), fc.integer({ min: 1, max: 48 }), fc.nat(), (inH, inW, outH, outW, seed) => {
      let s = seed;
      const src = Float32Array.from({ length: inH * inW }, () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) % 20001) / 7 - 1000);
      assert.deepEqual(core.resample(src, inH, inW, outH, outW, "tf1-bicubic"), tf1BicubicReference(src, inH, inW, outH, outW));
    }),
    { numRuns: 100 },
  );
  const src = Float32Array.from({ length: 3600 }, (_, i) => Math.sin(i) * 3);
  assert.deepEqual(core.resample(src, 60, 60, 120, 120, "tf1-bicubic"), tf1BicubicReference(src, 60, 60, 120, 120));
});

test("tf1-bicubic and TF2 bicubic differ (legacy coordinates and a = −0.75 vs half-pixel and a = −0.5)", () => {
  const src = Float32Array.from([0, 0, 100, 0, 0]);
  const tf1 = core.resample(src, 1, 5, 1, 10, "tf1-bicubic");
  const tf2 = core.resample(src, 1, 5, 1, 10, "bicubic");
  // TF1 samples the source at o/2: output 4 is source 2 exactly (100); TF2 samples at (o + 0.5)/2 − 0.5 = 1.75.
  assert.equal(tf1[4], 100);
  assert.ok(Math.abs((tf2[4] as number) - 100) > 1);
  // TF2 at source 1.75: weights of taps 0..3 at distances 1.75, 0.75, 0.25, 1.25 with a = −0.5.
  const c = (x: number): number => (x <= 1 ? (1.5 * x - 2.5) * x * x + 1 : ((-0.5 * x + 2.5) * x - 4) * x + 2);
  assert.ok(Math.abs((tf2[4] as number) - 100 * c(0.25)) < 1e-3);
});

test("nearest and bilinear: half-pixel rules on a hand-checked case; constant images stay constant for every method", () => {
  const src = Float32Array.from([1, 2, 3, 4]);
  assert.deepEqual(Array.from(core.resample(src, 1, 4, 1, 2, "nearest")), [2, 4]); // sources floor(0.5·2)=1, floor(1.5·2)=3
  assert.deepEqual(Array.from(core.resample(src, 1, 4, 1, 2, "bilinear")), [1.5, 3.5]); // sources 0.5 and 2.5
  const flat = new Float32Array(36).fill(7.25);
  for (const m of ["tf1-bicubic", "bicubic", "bilinear", "nearest"] as const) {
    for (const v of core.resample(flat, 6, 6, 11, 13, m)) assert.ok(Math.abs(v - 7.25) < 1e-5, m);
  }
});

test("normalize: (x − mean)/std in float64, rounded once to float32", () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 65535 }), { maxLength: 70000 }), fc.double({ min: -1000, max: 5000, noNaN: true }), fc.double({ min: 0.5, max: 3000, noNaN: true }), (vals, mean, std) => {
      const u16 = Uint16Array.from(vals);
      const got = core.normalize(u16, mean, std);
      assert.deepEqual(got, Float32Array.from(vals, (x) => Math.fround((x - mean) / std)));
    }),
    { numRuns: 30 },
  );
  assert.throws(() => core.normalize(new Uint16Array(1), 0, 0), /standard deviation/);
});

test("layoutInto (fused z-score → resample → HWC) equals the TS twin per channel, for every band and method", async () => {
  const core = await createCore();
  const sides = [20, 120, 120, 120, 60, 60, 60, 120, 60, 20, 60, 60];
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.constantFrom("tf1-bicubic" as const, "bilinear" as const, "nearest" as const), fc.constantFrom(20, 60, 120), (seed, method, side) => {
      let s = seed;
      const rand = (): number => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 16);
      const bands = sides.map((n) => Uint16Array.from({ length: n * n }, () => rand() % 16384));
      core.setBands(bands);
      const picks = [1, 4, 9].map((band, k) => ({ band, mean: 100 + 50 * k + (rand() % 7), std: 300 + (rand() % 100) }));
      const out = new Float32Array(side * side * picks.length + 5);
      core.layoutInto(picks, side, method, out, 5);
      picks.forEach((c, ch) => {
        const n = sides[c.band] as number;
        const plane = Float32Array.from(bands[c.band] as Uint16Array, (v) => Math.fround((v - c.mean) / c.std));
        const want = n === side ? plane : method === "tf1-bicubic" ? tf1BicubicReference(plane, n, n, side, side) : core.resample(plane, n, n, side, side, method);
        for (let p = 0; p < side * side; p++) {
          if (out[5 + p * picks.length + ch] !== want[p]) throw new Error(`band ${c.band} → ${side}, ${method}: pixel ${p} is ${out[5 + p * picks.length + ch]}, expected ${want[p]}`);
        }
      });
    }),
    { numRuns: 12 },
  );
});
