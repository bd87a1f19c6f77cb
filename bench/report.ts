// Shared by every bench script: time a function repeatedly and print the results as JSON and a markdown table.
// The timing loop lives in measure.mjs, plain JavaScript, so that bun, deno and browsers run the same one.
export { measure, summarize, type Rate } from "./measure.mjs";

/** One measured row: a name, a throughput figure with its unit, and the sample statistics behind it. */
export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  n: number;
  stddev: number;
  note?: string;
}

function fmt(x: number): string {
  return x >= 100 ? Math.round(x).toLocaleString("en-US") : x.toPrecision(3);
}

/** Prints `{bench, rows}` as one JSON line on stdout, then a markdown table. */
export function report(bench: string, rows: readonly BenchRow[]): void {
  process.stdout.write(`${JSON.stringify({ bench, rows })}\n\n`);
  process.stdout.write(`| ${bench} | value | unit | ± stddev | n | note |\n|---|---:|---|---:|---:|---|\n`);
  for (const r of rows) {
    process.stdout.write(`| ${r.name} | ${fmt(r.value)} | ${r.unit} | ${fmt(r.stddev)} | ${r.n} | ${r.note ?? ""} |\n`);
  }
  process.stdout.write("\n");
}
