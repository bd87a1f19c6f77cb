// Synthetic archives for tests, generated once per process into a temp folder (tests regenerate, never hand-edit).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after } from "node:test";
import { synthArchive, type SynthLayout, type SynthSummary } from "../../src/synth/index.js";

const made = new Map<string, Promise<SynthSummary>>();
const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A fresh temporary folder, removed when the test file ends. */
export function tempDir(prefix = "ben19-test-"): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
}

/** A synth archive of `patches` patches (cached per arguments within a test file). */
export function synthFixture(patches: number, seed = 11, layout: SynthLayout = "default"): Promise<SynthSummary> {
  const key = `${patches}/${seed}/${layout}`;
  let p = made.get(key);
  if (p === undefined) {
    p = synthArchive({ out: join(tempDir(), "archive"), patches, seed, layout });
    made.set(key, p);
  }
  return p;
}
