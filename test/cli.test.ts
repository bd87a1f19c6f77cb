import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { run } from "../src/cli/index.js";
import { memoryIo } from "../src/cli/io.js";
import { VERSION } from "../src/core/version.js";
import { PROJECT_ROOT } from "./helpers/env.js";

test("VERSION matches package.json", () => {
  const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, "package.json"), "utf8")) as { version: string };
  assert.equal(VERSION, pkg.version);
});

test("--version prints the version and exits 0", async () => {
  const io = memoryIo();
  assert.equal(await run(["--version"], io), 0);
  assert.equal(io.stdout.trim(), VERSION);
});

test("an unknown command is a usage error (exit 2) with a hint", async () => {
  const io = memoryIo();
  assert.equal(await run(["no-such-command"], io), 2);
  assert.match(io.stderr, /run with --help for usage/);
});
