// A bench report as text: the table `ben19 bench` prints, and the side-by-side ratios of `--compare A B`.
import { readFileSync } from "node:fs";
import { Ben19Error } from "../core/errors.js";
import { camelKeysDeep, snakeKeysDeep } from "../core/keys.js";
import { BENCH_FORMAT, type BenchReport, type BenchResult } from "./run.js";

/** The first format, which wrote camelCase keys; --compare still reads it. */
const BENCH_FORMAT_1 = "ben19-bench/1";

function num(x: number): string {
  if (!Number.isFinite(x)) return "-";
  return x >= 100 ? Math.round(x).toLocaleString("en-US") : x.toPrecision(3);
}

/** The secondary figures of a result, in words. */
function details(r: BenchResult): string {
  const d = r.detail ?? {};
  const parts: string[] = [];
  if (d.mbPerSecond !== undefined) parts.push(`${num(d.mbPerSecond)} MB/s`);
  if (d.cpuMicrosPerPatch !== undefined) parts.push(`CPU ${num(d.cpuMicrosPerPatch)} µs/patch`);
  if (d.readMicros !== undefined) {
    const split = { read: d.readMicros, decode: d.decodeMicros, encode: d.encodeMicros, write: d.writeMicros };
    parts.push(`${Object.entries(split).map(([k, v]) => `${k} ${num(v ?? NaN)}`).join(" / ")} µs`);
  }
  return parts.join("; ");
}

function machineLine(r: BenchReport): string {
  const m = r.machine;
  return `${m.cpu}, ${m.cores} cores, ${m.memoryGib} GiB, ${m.os}, Node ${m.node}, ben19 ${m.ben19}, ` +
    `load ${m.loadAverage}`;
}

/** Rows padded to aligned columns: `align` is L or R per column, `gaps` the spaces after each but the last. */
function columns(rows: readonly string[][], align: string, gaps: readonly number[]): string[] {
  const ks = [...align].map((_, k) => k);
  const width = ks.map((k) => Math.max(...rows.map((row) => (row[k] ?? "").length)));
  return rows.map((row) =>
    ks
      .map((k) => {
        const cell = row[k] ?? "";
        const last = k === ks.length - 1;
        const padded = last ? cell : align[k] === "R" ? cell.padStart(width[k] ?? 0) : cell.padEnd(width[k] ?? 0);
        return last ? padded : padded + " ".repeat(gaps[k] ?? 1);
      })
      .join("")
      .trimEnd(),
  );
}

/** The table for a terminal. */
export function formatReport(r: BenchReport): string {
  const input = r.input.source === "synth" ? `synthetic archive, ${r.input.layout} layout` : `archive ${r.input.root}`;
  const rows = r.results.map((x) => [x.name, num(x.value), x.unit, details(x)]);
  const lines = columns(rows, "LRLL", [2, 1, 2]);
  return [
    `machine: ${machineLine(r)}`,
    `input: ${input}, ${r.input.patches.toLocaleString("en-US")} patches, ${num(r.input.bytes / 1e6)} MB`,
    "",
    ...lines,
    "",
    `${num(r.seconds)} s in all; peak RSS ${r.peakRssMb} MB. Per-stage µs are summed over worker threads ` +
      "(read, decode, encode) or on the main thread (write).",
    "",
  ].join("\n");
}

const FIX = "give files written by ben19 bench --out";

/** Reads a report saved with --out (or --json), checking that it is one. */
export function readReport(file: string): BenchReport {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new Ben19Error("E_BENCH_REPORT", `cannot read a bench report: ${(e as Error).message}`, { file }, FIX);
  }
  const format = (data as { format?: unknown } | null)?.format;
  if (format !== BENCH_FORMAT && format !== BENCH_FORMAT_1) {
    throw new Ben19Error("E_BENCH_REPORT", `not a bench report (format is not "${BENCH_FORMAT}")`, { file }, FIX);
  }
  // Format 1 wrote camelCase keys (and memoryGiB, peakRssMB); both read back as the TypeScript fields.
  const report = camelKeysDeep(data) as BenchReport & { machine: { memoryGiB?: number } };
  report.machine.memoryGib ??= report.machine.memoryGiB as number;
  delete report.machine.memoryGiB;
  const v1 = report as BenchReport & { peakRssMB?: number };
  v1.peakRssMb ??= v1.peakRssMB as number;
  delete v1.peakRssMB;
  return { ...report, format: BENCH_FORMAT };
}

/** A report as ben19 writes it (stdout with --json, the --out file): snake_case keys, as every ben19 JSON. */
export function reportJson(r: BenchReport): string {
  return `${JSON.stringify(snakeKeysDeep(r), null, 2)}\n`;
}

/** Each result found in both reports: A's value, B's, and B/A. */
export function formatComparison(a: BenchReport, b: BenchReport, names: readonly [string, string]): string {
  const byId = new Map(b.results.map((x) => [x.id, x]));
  const rows = a.results.flatMap((x) => {
    const y = byId.get(x.id);
    if (y === undefined || y.unit !== x.unit) return [];
    return [[x.name, num(x.value), num(y.value), `${(y.value / x.value).toFixed(2)}×`, x.unit]];
  });
  const table = columns([["", "A", "B", "B/A", ""], ...rows], "LRRRL", [2, 2, 2, 2]);
  return [`A: ${names[0]} (${machineLine(a)})`, `B: ${names[1]} (${machineLine(b)})`, "", ...table, ""].join("\n");
}
