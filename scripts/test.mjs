#!/usr/bin/env node
// Runs every test/**/*.test.ts with Node's built-in runner and tsx. Node 20's `--test` takes no globs,
// so the file list is collected here; extra arguments (e.g. a single file) are passed through.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";

function collect(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? collect(join(dir, e.name)) : e.name.endsWith(".test.ts") ? [join(dir, e.name)] : [],
  );
}

const args = process.argv.slice(2);
const files = args.some((a) => !a.startsWith("-")) ? [] : collect("test").sort();
const r = spawnSync(process.execPath, ["--import", "tsx", "--test", ...args, ...files], { stdio: "inherit" });
process.exit(r.status ?? 1);
