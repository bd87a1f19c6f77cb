// Where a `train` run's time goes (`ben19 train --profile`). Each phase is a span of the main thread's wall clock,
// measured where it happens; the spans do not overlap, so with `unaccounted` (loop bookkeeping, progress output)
// they add up to the wall time from process start. GC pauses and the decode workers' time happen inside or beside
// those spans: they are reported next to them, not added in. CPU time is the whole process's (every thread: the
// backend's, the decode workers', the main one), so cpu / wall says how many cores the run kept busy; it is also
// charged per phase (the process's CPU during each phase's spans), which on a shared machine says far more than
// wall time what a phase costs.
import { PerformanceObserver, performance } from "node:perf_hooks";

/** The phases, in the order a run meets them. */
export const PROFILE_PHASES = [
  "startup", "setup", "backend_init", "first_step", "input_wait", "batch_to_tensors", "forward", "backward",
  "optimizer", "loss_read", "logging", "validation", "checkpoint", "save_model", "teardown",
] as const;
export type ProfilePhase = (typeof PROFILE_PHASES)[number];

/** What `train --profile` reports (seconds; JSON keys as in every file ben19 writes). */
export interface TrainProfile {
  /** Process start to the end of train(). */
  wall_seconds: number;
  /** Each phase's share of the wall time; see PHASE_MEANING. */
  phases: Record<ProfilePhase, number>;
  /** The process's CPU time (all threads, user + system) during each phase's spans. */
  phase_cpu: Record<ProfilePhase, number>;
  /** Wall time in no phase: the step loop's bookkeeping and progress output. */
  unaccounted_seconds: number;
  /** Time in garbage-collection pauses (inside the phases above, not added to them). */
  gc_seconds: number;
  gc_count: number;
  /** Time the decode workers spent decoding (beside the main thread; input_wait is what the steps waited). */
  decode_seconds: number;
  /** CPU time of the whole process (all threads) from process start. */
  cpu_user_seconds: number;
  cpu_system_seconds: number;
  steps: number;
  threads: number | null;
}

export const PHASE_MEANING: Record<ProfilePhase, string> = {
  startup: "process start to train(): Node, module loading, option parsing",
  setup: "option and shard checks, record counts, model build, run folder, datasets",
  backend_init: "loading and initialising the tfjs backend",
  first_step: "the first training step (forward, backward, Adam; the backend packs weights and sets up kernels)",
  input_wait: "the steps waiting for the next decoded batch",
  batch_to_tensors: "copying a decoded batch onto the backend",
  forward: "forward passes (after the first step)",
  backward: "gradients (after the first step)",
  optimizer: "Adam updates (after the first step)",
  loss_read: "reading each step's loss back",
  logging: "steps.jsonl, log.jsonl, curves.svg and progress hooks",
  validation: "validation after each epoch",
  checkpoint: "checkpoints",
  save_model: "saving the trained model",
  teardown: "stopping the decode workers, freeing the model",
};

const zeros = (): Record<ProfilePhase, number> =>
  Object.fromEntries(PROFILE_PHASES.map((p) => [p, 0])) as Record<ProfilePhase, number>;

/** CPU seconds of the whole process (every thread), user + system, since it started. */
function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/**
 * Accumulates laps: each lap charges the time since the previous one to a phase, so no time is counted twice or
 * lost between phases. Cheap enough to run always; GC is watched only when asked (`enabled`).
 */
export class Profiler {
  private readonly phases = zeros();
  private readonly cpu = zeros();
  private gc = { seconds: 0, count: 0 };
  private observer: PerformanceObserver | undefined;
  private last: number;
  private lastCpu = cpuSeconds();
  decodeSeconds = 0;
  steps = 0;

  constructor(readonly enabled: boolean) {
    // Everything before train() was called is start-up (performance.now() counts from process start).
    this.last = performance.now();
    this.phases.startup = this.last / 1000;
    this.cpu.startup = this.lastCpu;
    if (!enabled) return;
    this.observer = new PerformanceObserver((list) => this.countGc(list.getEntries()));
    this.observer.observe({ entryTypes: ["gc"] });
  }

  private countGc(entries: readonly PerformanceEntry[]): void {
    for (const e of entries) {
      this.gc.seconds += e.duration / 1000;
      this.gc.count++;
    }
  }

  /** Charges the time since the previous lap to `phase`. */
  lap(phase: ProfilePhase): void {
    const now = performance.now();
    const cpu = cpuSeconds();
    this.phases[phase] += (now - this.last) / 1000;
    this.cpu[phase] += cpu - this.lastCpu;
    this.last = now;
    this.lastCpu = cpu;
  }

  /** The profile up to now; stops watching GC. */
  finish(threads: number | undefined): TrainProfile {
    const wall = performance.now() / 1000;
    if (this.observer !== undefined) {
      this.countGc(this.observer.takeRecords());
      this.observer.disconnect();
    }
    const cpu = process.cpuUsage();
    const spent = PROFILE_PHASES.reduce((s, p) => s + this.phases[p], 0);
    return {
      wall_seconds: wall, phases: { ...this.phases }, phase_cpu: { ...this.cpu },
      unaccounted_seconds: Math.max(0, wall - spent),
      gc_seconds: this.gc.seconds, gc_count: this.gc.count, decode_seconds: this.decodeSeconds,
      cpu_user_seconds: cpu.user / 1e6, cpu_system_seconds: cpu.system / 1e6,
      steps: this.steps, threads: threads ?? null,
    };
  }
}

/** The profile as a table for the terminal: seconds and share of the wall time per phase. */
export function formatProfile(p: TrainProfile): string {
  const pct = (s: number): string => `${((100 * s) / Math.max(p.wall_seconds, 1e-9)).toFixed(1).padStart(5)} %`;
  const secs = (s: number): string => s.toFixed(3).padStart(9);
  const line = (name: string, s: number, note = ""): string => `  ${name.padEnd(18)} ${secs(s)} s ${pct(s)}${note}`;
  const rows = PROFILE_PHASES.map((ph) => line(ph, p.phases[ph], ` ${secs(p.phase_cpu[ph])} s CPU`));
  const cpu = p.cpu_user_seconds + p.cpu_system_seconds;
  return [
    `profile (${p.steps} steps, ${p.threads ?? "-"} backend thread(s)): wall, its share, process CPU`,
    ...rows,
    line("unaccounted", p.unaccounted_seconds),
    line("wall", p.wall_seconds),
    line("  of which GC", p.gc_seconds, ` (${p.gc_count} pauses)`),
    `  decode (workers)   ${secs(p.decode_seconds)} s, beside the main thread`,
    `  cpu (all threads)  ${secs(cpu)} s = ${(cpu / Math.max(p.wall_seconds, 1e-9)).toFixed(2)} cores busy on average`,
  ].join("\n");
}
