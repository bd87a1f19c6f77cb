// The core's throughput in whatever JavaScript runtime imports this module (run by bench/runtimes.bench.ts in Node,
// bun, deno and Chromium): CRC32C of 1 MiB buffers, and encode + frame of one full patch, as in crc32c.bench.ts and
// encode.bench.ts, with the same timing loop. Plain JavaScript on the built dist/, no Node built-ins.
import { createCore } from "../../dist/wasm/index.js";
import { multiHot19 } from "../../dist/labels/convert.js";
import { synthPatch } from "../../dist/synth/patch.js";
import { measure } from "../measure.mjs";

/** `{ ok, rows }`: each row a figure's name, unit and rate (mean, stddev, n). */
export async function run() {
  const core = await createCore();
  const data = new Uint8Array(1 << 20).map((_, i) => (i * 131) & 0xff);
  const p = synthPatch(1, 0);
  const input = { patchName: p.name, bands: p.bands, multiHot: multiHot19(p.labels43) };
  const crc = measure(() => void core.crc32c(data), data.length);
  const enc = measure(() => void core.encodeRecord(input), 1);
  return {
    ok: true,
    rows: [
      { name: "CRC32C, 1 MiB buffers", unit: "GB/s", mean: crc.mean / 1e9, stddev: crc.stddev / 1e9, n: crc.n },
      { name: "encode + frame a full patch", unit: "records/s", mean: enc.mean, stddev: enc.stddev, n: enc.n },
    ],
  };
}
