// Lines are at most 120 characters (the project's style). Older files still hold longer lines; their counts are
// frozen in long-lines.json and may only go down: a new file, or a new long line in an old one, fails here with
// the places to wrap. After shortening lines, lower the counts with BEN19_UPDATE_LONG_LINES=1.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { PROJECT_ROOT } from "../helpers/env.js";

const MAX = 120;
const BASELINE = join(PROJECT_ROOT, "test", "style", "long-lines.json");
const CODE = /^(src|assembly|test|bench|scripts|web|examples)\/.*\.(ts|mts|js|mjs|py)$/;

/** Tracked and untracked (not ignored) code files, relative to the project root. */
function codeFiles(): string[] {
  const out = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard"], { cwd: PROJECT_ROOT });
  return out.toString("utf8").split("\n").filter((f) => CODE.test(f) && !f.startsWith("web/vendor/"));
}

/** 1-based numbers of the lines of `file` longer than MAX characters (code points, as an editor counts). */
function longLines(file: string): number[] {
  let text: string;
  try {
    text = readFileSync(join(PROJECT_ROOT, file), "utf8");
  } catch {
    return []; // listed by git but deleted in the work tree
  }
  return text.split("\n").flatMap((l, i) => ([...l].length > MAX ? [i + 1] : []));
}

test(`no line in code grows past ${MAX} characters (old long lines frozen in long-lines.json)`, (t) => {
  let git = true;
  try {
    execFileSync("git", ["rev-parse", "--is-inside-work-tree"], { cwd: PROJECT_ROOT, stdio: "ignore" });
  } catch {
    git = false;
  }
  if (!git) return void t.skip("not a git work tree: no file list");
  const baseline = JSON.parse(readFileSync(BASELINE, "utf8")) as Record<string, number>;
  const now = Object.fromEntries(codeFiles().map((f) => [f, longLines(f)] as const).filter(([, l]) => l.length > 0));
  if (process.env.BEN19_UPDATE_LONG_LINES === "1") {
    const lower = Object.fromEntries(Object.entries(now).sort()
      .map(([f, l]) => [f, Math.min(l.length, baseline[f] ?? 0)] as const).filter(([, n]) => n > 0));
    writeFileSync(BASELINE, `${JSON.stringify(lower, null, 2)}\n`);
  }
  const grown = Object.entries(now).filter(([f, l]) => l.length > (baseline[f] ?? 0))
    .map(([f, l]) => `${f}: ${l.length} lines over ${MAX} (allowed ${baseline[f] ?? 0}), at lines ${l.join(", ")}`);
  assert.deepEqual(grown, [], `wrap these lines to ${MAX} characters:\n${grown.join("\n")}`);
});
