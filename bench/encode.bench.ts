// Encoding a full 12-band patch (80,000 values) into a framed TFRecord record, and decoding it back, on one core;
// plus the size of the core's .wasm, raw and gzipped.
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { synthPatch } from "../src/synth/patch.js";
import { multiHot19 } from "../src/labels/convert.js";
import { createCore } from "../src/wasm/core.js";
import { measure, report } from "./report.js";

const core = await createCore();
const p = synthPatch(1, 0);
const input = { patchName: p.name, bands: p.bands, multiHot: multiHot19(p.labels43) };
const record = core.encodeRecord(input);
const data = core.unframe(record);
const enc = measure(() => void core.encodeRecord(input), 1);
const dec = measure(() => void core.decodePatch(data), 1);
const band = Float32Array.from({ length: 3600 }, (_, i) => (i % 97) * 13.5);
const up = measure(() => void core.resample(band, 60, 60, 120, 120, "tf1-bicubic"), 1);
const norm = measure(() => void core.normalize(p.bands[1] as Uint16Array, 429.9430203, 572.41639287), 1);
const wasm = readFileSync(new URL("../build/core.wasm", import.meta.url));
report("encode", [
  { name: "encode + frame a full patch (80,000 values)", value: enc.mean, unit: "records/s", n: enc.n, stddev: enc.stddev, note: `one core; record ${record.length} bytes; target ≥ 6,000` },
  { name: "decode a full patch (decodePatch)", value: dec.mean, unit: "records/s", n: dec.n, stddev: dec.stddev, note: "one core" },
  { name: "tf1-bicubic 60×60 → 120×120 (one 20 m band)", value: up.mean, unit: "bands/s", n: up.n, stddev: up.stddev, note: "one core, incl. copy in/out" },
  { name: "z-score one 120×120 band", value: norm.mean, unit: "bands/s", n: norm.n, stddev: norm.stddev, note: "one core" },
  { name: "core .wasm size", value: wasm.length, unit: "bytes", n: 1, stddev: 0, note: `${gzipSync(wasm, { level: 9 }).length} bytes gzipped` },
]);
