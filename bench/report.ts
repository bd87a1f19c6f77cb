// Shared by every bench script: time a function repeatedly and print the results as JSON and a markdown table.
import { performance } from "node:perf_hooks";

/** One measured row: a name, a throughput figure with its unit, and the sample statistics behind it. */
export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  n: number;
  stddev: number;
  note?: string;
}

/**
 * Runs `fn` (which processes `work` units per call) for `rounds` timed rounds after one warm-up round of the
 * same length, and returns units per second: the mean over rounds and the standard deviation.
 */
export function measure(fn: () => void, work: number, rounds = 7, minMs = 200): { mean: number; stddev: number; n: number } {
  let calls = 1;
  for (let t = 0; t < minMs; calls *= 2) {
    const s = performance.now();
    for (let i = 0; i < calls; i++) fn();
    t = performance.now() - s;
    if (t >= minMs) break;
  }
  const rates: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const s = performance.now();
    for (let i = 0; i < calls; i++) fn();
    rates.push((work * calls) / ((performance.now() - s) / 1000));
  }
  return summarize(rates);
}

/** Mean and sample standard deviation of a list of rates. */
export function summarize(rates: readonly number[]): { mean: number; stddev: number; n: number } {
  const n = rates.length;
  const mean = rates.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? rates.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1) : 0;
  return { mean, stddev: Math.sqrt(variance), n };
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
