// The whole `ben19 train` command, for bench:models' rows next to the step rates: one epoch over a cached synth
// shard of N patches, run as a user runs it (bin/ben19.js, a fresh process) with --profile, so the rows say both
// the rate a user sees (patches over the command's wall time) and the steady step rate inside it (patches over
// forward + backward + Adam after the first step), and where the rest went.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { prep } from "../src/prep/run.js";
import { synthArchive } from "../src/synth/index.js";
import type { TrainProfile } from "../src/training/profile.js";
import type { BenchRow } from "./report.js";

const root = join(import.meta.dirname, "..");

/** A training shard of exactly `patches` synth records (train, val and test splits pooled), cached. */
export async function commandShard(patches: number): Promise<string> {
  const cache = join(root, ".bench-cache", `train-command-${patches}`);
  const shard = join(cache, "tfrecord", "pool.tfrecord");
  if (existsSync(shard)) return shard;
  // About 5 % of synth patches are on the snow/cloud lists and left out of every split.
  const archive = join(cache, "archive");
  const s = await synthArchive({ out: archive, patches: Math.ceil(patches * 1.1) + 10, seed: 2000, layout: "default" });
  const lines = (f: string): string[] => readFileSync(f, "utf8").split("\n").filter((l) => l !== "");
  const names = [s.splits.train, s.splits.val, s.splits.test].flatMap(lines);
  if (names.length < patches) throw new Error(`train-command: only ${names.length} synth patches in the splits`);
  const csv = join(cache, "pool.csv");
  writeFileSync(csv, `${names.slice(0, patches).join("\n")}\n`);
  await prep({ root: archive, out: join(cache, "tfrecord"), splits: [csv] });
  return shard;
}

export interface CommandRun {
  rows: BenchRow[];
  profile: TrainProfile;
}

/** Runs `ben19 train` once for `model` at `batch` over `shard` and returns its rows (samples/s) and profile. */
export function trainCommand(model: string, shard: string, records: number, batch: number,
  threads: string | undefined): CommandRun {
  const out = join(root, ".bench-cache", `train-command-run-${model}`);
  rmSync(out, { recursive: true, force: true });
  const args = [join(root, "bin", "ben19.js"), "train", "--model", model, "--train", shard, "--out", out,
    "--epochs", "1",
    "--batch-size", String(batch), "--backend", "wasm", "--profile", "--json", "-q",
    ...(threads === undefined ? [] : ["--threads", threads])];
  const r = spawnSync(process.execPath, args, { encoding: "utf8", maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`ben19 train ${model} failed (${r.status}): ${r.stderr}`);
  const profile = (JSON.parse(r.stdout) as { profile: TrainProfile }).profile;
  rmSync(out, { recursive: true, force: true });
  const p = profile.phases;
  const steady = p.forward + p.backward + p.optimizer;
  const c = profile.phase_cpu;
  // CPU per sample of the steady steps, comparable with the step rows' (it barely depends on other jobs' load).
  const stepCpuMs = (1000 * (c.forward + c.backward + c.optimizer)) / Math.max(records - Math.min(batch, records), 1);
  const cpu = profile.cpu_user_seconds + profile.cpu_system_seconds;
  const t = profile.threads ?? 1;
  const s1 = (v: number): string => v.toFixed(1);
  const where = `wall ${s1(profile.wall_seconds)} s: ` +
    `start-up+setup+backend ${s1(p.startup + p.setup + p.backend_init)} s, ` +
    `first step ${p.first_step.toFixed(1)} s, input wait ${p.input_wait.toFixed(1)} s, steps ${steady.toFixed(1)} s, ` +
    `checkpoint+save ${s1(p.checkpoint + p.save_model)} s; GC ${s1(profile.gc_seconds)} s; CPU ${s1(cpu)} s`;
  const name = (what: string): string => `${model} ${what}, batch ${batch}, wasm, ${t} thread${t === 1 ? "" : "s"}`;
  return {
    profile,
    rows: [
      { name: name(`whole train command (1 epoch, ${records} patches)`), value: records / profile.wall_seconds,
        unit: "samples/s", n: 1, stddev: 0, note: where },
      { name: name("steady steps inside it (forward+backward+Adam)"),
        value: (records - Math.min(batch, records)) / steady,
        unit: "samples/s", n: 1, stddev: 0,
        note: `${stepCpuMs.toFixed(1)} CPU ms/sample (process CPU in those phases, decode workers included)` },
    ],
  };
}
