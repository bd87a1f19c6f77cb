// `ben19 bench` from the CLI on a small synthetic archive: every measure present and positive, the JSON saved
// with --out, --compare pairing two reports, and no temporary file left behind.
import assert from "node:assert/strict";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { readReport } from "../../src/bench/report.js";
import type { BenchReport } from "../../src/bench/run.js";
import { run } from "../../src/cli/index.js";
import { memoryIo } from "../../src/cli/io.js";
import { tempDir } from "../helpers/fixtures.js";

test("ben19 bench --synth: I/O floor, prep per worker count, CRC32C, encode, pipeline; --out, --compare; temp files removed", async () => {
  const tmp = tempDir();
  const saved = join(tempDir(), "a.json");
  const io = memoryIo();
  const code = await run(["bench", "--synth", "12", "--workers", "1,2", "--pipeline", "kbranch", "--tmp", tmp, "--out", saved, "--json"], io);
  assert.equal(code, 0, io.stderr);
  const printed = JSON.parse(io.stdout) as { format: string; machine: Record<string, unknown> };
  assert.deepEqual(JSON.parse(readFileSync(saved, "utf8")), printed);
  assert.equal(printed.format, "ben19-bench/2");
  assert.ok(typeof printed.machine["memory_gib"] === "number" && typeof printed.machine["load_average"] === "number");
  const r: BenchReport = readReport(saved);
  assert.deepEqual(r.results.map((x) => x.id), ["io-floor", "prep-1", "prep-2", "crc32c", "encode", "pipeline-kbranch"]);
  for (const x of r.results) assert.ok(x.value > 0 && Number.isFinite(x.value), `${x.id}: ${x.value}`);
  assert.equal(r.input.patches, 12);
  assert.ok(r.input.bytes > 12 * 150_000, "the patch files were counted");
  const prep2 = r.results.find((x) => x.id === "prep-2")?.detail ?? {};
  for (const k of ["cpuMicrosPerPatch", "readMicros", "decodeMicros", "encodeMicros", "writeMicros"]) assert.ok((prep2[k] ?? 0) > 0, k);
  assert.ok(r.machine.cores >= 1 && r.machine.node === process.version);
  assert.deepEqual(readdirSync(tmp), [], "bench removed its temporary folder");
  // --compare: a report against a copy with every value doubled gives 2.00× throughout.
  const twice = join(tempDir(), "b.json");
  // B is written as format 1 did (camelCase keys, memoryGiB), which --compare still reads.
  const { memoryGib, ...machine } = r.machine;
  const { peakRssMb, ...rest } = r;
  const v1 = { ...rest, peakRssMB: peakRssMb, format: "ben19-bench/1", machine: { ...machine, memoryGiB: memoryGib } };
  writeFileSync(twice, JSON.stringify({ ...v1, results: r.results.map((x) => ({ ...x, value: x.value * 2 })) }));
  const cmp = memoryIo();
  assert.equal(await run(["bench", "--compare", saved, twice], cmp), 0, cmp.stderr);
  assert.equal(cmp.stdout.match(/ 2\.00×/g)?.length, r.results.length);
  assert.equal(cmp.stdout.match(new RegExp(` ${memoryGib} GiB`, "g"))?.length, 2, "both machines' memory read");
  assert.equal(readReport(twice).peakRssMb, peakRssMb);
  // Usage errors name the option.
  const bad = memoryIo();
  assert.equal(await run(["bench", "--workers", "0"], bad), 2);
  assert.match(bad.stderr, /--workers/);
  assert.equal(await run(["bench", "--compare", saved, join(tmp, "missing.json")], memoryIo()), 1);
});
