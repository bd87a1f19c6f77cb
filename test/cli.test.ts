import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { Command } from "commander";
import { COMMANDS } from "../src/cli/commands/index.js";
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

test("every lazily loaded command registers under its registry name; a command's own --help loads only it", async () => {
  for (const [name, load] of Object.entries(COMMANDS)) {
    const program = new Command("ben19");
    (await load()).register(program, { io: memoryIo(), exit: () => undefined });
    assert.deepEqual(program.commands.map((c) => c.name()), [name]);
  }
  const io = memoryIo();
  assert.equal(await run(["prep", "--help"], io), 0);
  assert.match(io.stdout, /Usage: ben19 prep/);
  const all = memoryIo();
  assert.equal(await run(["--help"], all), 0);
  for (const name of Object.keys(COMMANDS)) assert.match(all.stdout, new RegExp(`\\n  ${name} `));
});
