// The CLI in-process, as the tests drive it: `ben19 <args>` through the same entry as bin/ben19.js, with its output
// captured (the library prints nothing; the CLI writes only to the Io it is given).
import assert from "node:assert/strict";
import { run } from "../../src/cli/index.js";
import { memoryIo } from "../../src/cli/io.js";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `ben19 <args>` and returns its exit code and output. */
export async function cli(args: readonly string[]): Promise<CliResult> {
  const io = memoryIo();
  const code = await run([...args], io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

/** Runs `ben19 <args>`, asserts exit code 0 (the message carries stderr) and returns stdout. */
export async function ok(args: readonly string[]): Promise<string> {
  const r = await cli(args);
  assert.equal(r.code, 0, `ben19 ${args.join(" ")} failed:\n${r.stderr}`);
  return r.stdout;
}
