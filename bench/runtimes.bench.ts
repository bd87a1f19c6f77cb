// The same core in Node, bun, deno and headless Chromium, one runtime after another: CRC32C of 1 MiB buffers and
// encode + frame of one full patch (bench/runtimes/probe.mjs). Prints the usual JSON + table, then the figures side by
// side. A runtime that cannot start here is listed as missing, not measured.
import { RUNTIMES, runIn, serveProject, whyUnavailable } from "../scripts/runtimes/harness.js";
import { report, type BenchRow } from "./report.js";

interface ProbeRow {
  name: string;
  unit: string;
  mean: number;
  stddev: number;
  n: number;
}

const server = await serveProject();
const rows: BenchRow[] = [];
const columns: { runtime: string; rows: ProbeRow[] }[] = [];
try {
  for (const rt of RUNTIMES) {
    const missing = whyUnavailable(rt);
    if (missing !== undefined) {
      process.stderr.write(`runtimes bench: ${rt} skipped, not available: ${missing}\n`);
      continue;
    }
    const r = await runIn(rt, "bench/runtimes/probe.mjs", {}, server.base);
    if (!r.ok) throw new Error(`${rt}: ${JSON.stringify(r)}`);
    const probe = r.rows as ProbeRow[];
    columns.push({ runtime: r.runtime, rows: probe });
    for (const p of probe) rows.push({ name: `${p.name} — ${r.runtime}`, value: p.mean, unit: p.unit, n: p.n, stddev: p.stddev, note: "one core" });
  }
} finally {
  await server.close();
}
report("runtimes", rows);

const fmt = (p: ProbeRow | undefined): string => (p === undefined ? "—" : p.mean >= 100 ? Math.round(p.mean).toLocaleString("en-US") : p.mean.toPrecision(3));
const figures = columns[0]?.rows ?? [];
process.stdout.write(`| the core in each runtime | ${columns.map((c) => c.runtime).join(" | ")} |\n|---|${columns.map(() => "---:").join("|")}|\n`);
for (const f of figures) {
  process.stdout.write(`| ${f.name} (${f.unit}) | ${columns.map((c) => fmt(c.rows.find((x) => x.name === f.name))).join(" | ")} |\n`);
}
process.stdout.write("\n");
