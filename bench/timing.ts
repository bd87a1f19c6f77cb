// Timing a forward pass on a shared machine: one warm-up, then the median of `reps` rounds; a round in which other
// processes used more than a tenth of the wall time in CPU is measured again (up to 4 × reps rounds in all) and
// counted as disturbed. The CPU time this process used per round is kept too: unlike wall time it barely depends
// on what else runs (ORT's and XNNPACK's threads count, as they run in this process).
import { existsSync, readFileSync } from "node:fs";

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

/** Milliseconds of CPU used by the whole machine since boot (Linux's /proc/stat), or undefined elsewhere. */
function machineCpuMs(): number | undefined {
  if (!existsSync("/proc/stat")) return undefined;
  const cpu = (readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "").trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, , , irq, softirq, steal] = cpu;
  return ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) * 10;
}

export interface Timing {
  /** Median wall seconds per round, and every kept round's. */
  median: number;
  all: number[];
  /** Median CPU seconds of this process per round. */
  cpu: number;
  disturbed: number;
}

/** Seconds per call of `f` (awaited), measured as the file comment says. */
export async function timeRounds(f: () => Promise<void>, reps: number): Promise<Timing> {
  const all: number[] = [];
  const cpu: number[] = [];
  let disturbed = 0;
  for (let r = 0; all.length < reps && r <= 4 * reps; r++) {
    const [machine0, own0, t0] = [machineCpuMs(), process.cpuUsage(), performance.now()];
    await f();
    const wall = performance.now() - t0;
    const own = process.cpuUsage(own0);
    const ownMs = (own.user + own.system) / 1000;
    const machine1 = machineCpuMs();
    const others = machine0 === undefined || machine1 === undefined ? 0 : machine1 - machine0 - ownMs;
    if (r === 0) continue;
    if (others > 0.1 * wall && r < 4 * reps) disturbed++;
    else {
      all.push(wall / 1000);
      cpu.push(ownMs / 1000);
    }
  }
  return { median: median(all), all, cpu: median(cpu), disturbed };
}

/** The standard deviation of the rates `batch / t` over the kept rounds. */
export function rateStddev(batch: number, t: Timing): number {
  const rates = t.all.map((s) => batch / s);
  const mean = rates.reduce((a, r) => a + r, 0) / rates.length;
  return Math.sqrt(rates.reduce((a, r) => a + (r - mean) ** 2, 0) / rates.length);
}
