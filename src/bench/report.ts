// A bench report as text: the table `ben19 bench` prints, and the side-by-side ratios of `--compare A B`.
import { readFileSync } from "node:fs";
import { Ben19Error } from "../core/errors.js";
import { BENCH_FORMAT, type BenchReport, type BenchResult } from "./run.js";

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
    const split = [["read", d.readMicros], ["decode", d.decodeMicros], ["encode", d.encodeMicros], ["write", d.writeMicros]] as const;
    parts.push(split.map(([k, v]) => `${k} ${num(v ?? NaN)}`).join(" / ") + " µs");
  }
  return parts.join("; ");
}

function machineLine(r: BenchReport): string {
  const m = r.machine;
  return `${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}, ben19 ${m.ben19}, load ${m.loadAverage}`;
}

/** The table for a terminal. */
export function formatReport(r: BenchReport): string {
  const input = r.input.source === "synth" ? `synthetic archive, ${r.input.layout} layout` : `archive ${r.input.root}`;
  const rows = r.results.map((x) => [x.name, num(x.value), x.unit, details(x)]);
  const w = [0, 1, 2].map((k) => Math.max(...rows.map((row) => (row[k] as string).length)));
  const lines = rows.map((row) => `${(row[0] as string).padEnd(w[0] as number)}  ${(row[1] as string).padStart(w[1] as number)} ${(row[2] as string).padEnd(w[2] as number)}  ${row[3]}`);
  return [
    `machine: ${machineLine(r)}`,
    `input: ${input}, ${r.input.patches.toLocaleString("en-US")} patches, ${num(r.input.bytes / 1e6)} MB`,
    "",
    ...lines,
    "",
    `${num(r.seconds)} s in all; peak RSS ${r.peakRssMB} MB. Per-stage µs are summed over worker threads (read, decode, encode) or on the main thread (write).`,
    "",
  ].join("\n");
}

/** Reads a report saved with --out (or --json), checking that it is one. */
export function readReport(file: string): BenchReport {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new Ben19Error("E_BENCH_REPORT", `cannot read a bench report: ${(e as Error).message}`, { file }, "give files written by ben19 bench --out");
  }
  if ((data as { format?: unknown } | null)?.format !== BENCH_FORMAT) {
    throw new Ben19Error("E_BENCH_REPORT", `not a bench report (format is not "${BENCH_FORMAT}")`, { file }, "give files written by ben19 bench --out");
  }
  return data as BenchReport;
}

/** Each result found in both reports: A's value, B's, and B/A. */
export function formatComparison(a: BenchReport, b: BenchReport, names: readonly [string, string]): string {
  const byId = new Map(b.results.map((x) => [x.id, x]));
  const rows = a.results.flatMap((x) => {
    const y = byId.get(x.id);
    return y === undefined || y.unit !== x.unit ? [] : [[x.name, `${num(x.value)}`, `${num(y.value)}`, `${(y.value / x.value).toFixed(2)}×`, x.unit]];
  });
  const w = [0, 1, 2, 3].map((k) => Math.max((["", "A", "B", "B/A"][k] as string).length, ...rows.map((row) => (row[k] as string).length)));
  const fmt = (row: readonly string[]): string => `${(row[0] as string).padEnd(w[0] as number)}  ${(row[1] as string).padStart(w[1] as number)}  ${(row[2] as string).padStart(w[2] as number)}  ${(row[3] as string).padStart(w[3] as number)}  ${row[4]}`;
  return [
    `A: ${names[0]} (${machineLine(a)})`,
    `B: ${names[1]} (${machineLine(b)})`,
    "",
    fmt(["", "A", "B", "B/A", ""]),
    ...rows.map(fmt),
    "",
  ].join("\n");
}
