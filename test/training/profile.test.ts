// `ben19 train --profile` from the CLI on a synth archive: every phase is reported, none is negative, the phases
// add up to the wall time, the phases a run goes through are non-zero, and log.jsonl's last line holds the same
// profile. No timing thresholds: shares are for people, not for tests.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { run } from "../../src/cli/index.js";
import { memoryIo } from "../../src/cli/io.js";
import { prep } from "../../src/prep/run.js";
import { PROFILE_PHASES, type TrainProfile } from "../../src/training/profile.js";
import { synthFixture, tempDir } from "../helpers/fixtures.js";

test("train --profile: a run's phases, non-negative, adding up to the wall time, in --json and log.jsonl", async () => {
  const s = await synthFixture(24, 3);
  const rec = join(tempDir("profile-rec"), "rec");
  await prep({ root: s.out, out: rec, splits: [s.splits.train, s.splits.val], workers: 1 });
  const args = (out: string): string[] => ["train", "--model", "kbranch", "--train", join(rec, "train.tfrecord"),
    "--val", join(rec, "val.tfrecord"), "--out", out, "--batch-size", "4", "--backend", "wasm", "--shuffle-buffer", "8",
    "--checkpoint-every", "2", "--workers", "1", "--profile"];
  const out = join(tempDir("profile-run"), "run");
  const io = memoryIo();
  assert.equal(await run([...args(out), "--json"], io), 0, io.stderr);
  const result = JSON.parse(io.stdout) as { state: { step: number }; profile: TrainProfile };
  const p = result.profile;
  assert.equal(p.steps, result.state.step);
  assert.ok(p.steps >= 3, `expected several steps, got ${p.steps}`);
  for (const ph of PROFILE_PHASES) {
    assert.ok(Number.isFinite(p.phases[ph]) && p.phases[ph] >= 0, `${ph}: ${p.phases[ph]}`);
  }
  // A run goes through each of these: a phase never charged would mean a lap in the wrong place.
  for (const ph of ["startup", "setup", "backend_init", "first_step", "input_wait", "batch_to_tensors", "forward",
    "backward", "optimizer", "validation", "checkpoint", "save_model", "teardown"] as const) {
    assert.ok(p.phases[ph] > 0, `${ph} is 0`);
  }
  const others = ["unaccounted_seconds", "gc_seconds", "gc_count", "decode_seconds", "cpu_user_seconds",
    "cpu_system_seconds"] as const;
  for (const k of others) {
    assert.ok(Number.isFinite(p[k]) && p[k] >= 0, `${k}: ${p[k]}`);
  }
  assert.ok(p.decode_seconds > 0 && p.cpu_user_seconds > 0);
  // Each phase's CPU is the process's during its spans: none negative, and together the process's CPU at the end
  // (the profile is taken right after the last lap; the slack is the final cpuUsage() call's own microseconds).
  for (const ph of PROFILE_PHASES) assert.ok(p.phase_cpu[ph] >= 0, `${ph} CPU: ${p.phase_cpu[ph]}`);
  assert.ok(p.phase_cpu.backward > 0 && p.phase_cpu.first_step > 0);
  const cpuSum = PROFILE_PHASES.reduce((t, ph) => t + p.phase_cpu[ph], 0);
  const cpu = p.cpu_user_seconds + p.cpu_system_seconds;
  assert.ok(cpuSum <= cpu + 1e-6 && cpuSum >= 0.98 * cpu, `phase CPU ${cpuSum} s vs process CPU ${cpu} s`);
  const sum = PROFILE_PHASES.reduce((t, ph) => t + p.phases[ph], 0);
  const wall = p.wall_seconds;
  assert.ok(Math.abs(sum + p.unaccounted_seconds - wall) <= 0.01 * wall, `phases ${sum} s vs wall ${wall} s`);
  assert.ok(p.unaccounted_seconds <= 0.05 * wall, `unaccounted ${p.unaccounted_seconds} s of ${wall} s`);
  assert.ok(p.gc_seconds <= p.wall_seconds);
  const lines = readFileSync(join(out, "log.jsonl"), "utf8").trim().split("\n")
    .map((l) => JSON.parse(l) as { profile?: TrainProfile });
  assert.deepEqual(lines.at(-1)?.profile, p);

  // Without --json the breakdown is printed after the result line, one row per phase (here of a one-step run).
  const text = memoryIo();
  const out2 = join(tempDir("profile-run2"), "run");
  assert.equal(await run([...args(out2), "--max-steps", "1", "-q"], text), 0, text.stderr);
  assert.match(text.stdout, /^stopped at step 1 [\s\S]*profile \(\d+ steps, \d+ backend thread\(s\)\)/);
  for (const ph of [...PROFILE_PHASES, "unaccounted", "wall", "of which GC"]) {
    assert.match(text.stdout, new RegExp(`\\n +${ph} +\\d+\\.\\d{3} s +\\d+\\.\\d %`));
  }
  for (const ph of PROFILE_PHASES) assert.match(text.stdout, new RegExp(`\\n +${ph} .* % +\\d+\\.\\d{3} s CPU\\n`));
});
