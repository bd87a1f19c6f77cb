// CRC32C throughput: the WASM kernel (16 SIMD lanes from 4 KiB, slicing-by-16 below) vs the bitwise TS twin,
// on 1 KiB and 1 MiB buffers.
import { createCore } from "../src/wasm/core.js";
import { crc32cBitwise } from "../src/wasm/reference.js";
import { measure, report, type BenchRow } from "./report.js";

const core = await createCore();
const rows: BenchRow[] = [];
for (const size of [1024, 1 << 20]) {
  const data = new Uint8Array(size).map((_, i) => (i * 131) & 0xff);
  const label = size === 1024 ? "1 KiB" : "1 MiB";
  const w = measure(() => void core.crc32c(data), size);
  rows.push({ name: `WASM CRC32C, ${label}`, value: w.mean / 1e9, unit: "GB/s", n: w.n, stddev: w.stddev / 1e9, note: "target ≥ 2 GB/s on 1 MiB" });
  const t = measure(() => void crc32cBitwise(data), size, 3, 100);
  rows.push({ name: `TS bitwise twin, ${label}`, value: t.mean / 1e9, unit: "GB/s", n: t.n, stddev: t.stddev / 1e9 });
}
report("crc32c", rows);
