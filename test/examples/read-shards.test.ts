// examples/read_shards.py, the README's Python example, run as a user would: Debian's python3 with python3-protobuf
// (no TensorFlow) reads a shard `ben19 prep` wrote, and every patch name, label, multi-hot vector and band (shape
// and sha256 of its pixels) must equal what ben19's own decoder reads from the same records.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { BAND_NAMES, BAND_SIDES } from "../../src/core/bands.js";
import { prep } from "../../src/prep/run.js";
import { readRecords } from "../../src/tfrecord/reader.js";
import { createCore } from "../../src/wasm/core.js";
import { need, PROJECT_ROOT, SHARED_DIR } from "../helpers/env.js";
import { synthFixture, tempDir } from "../helpers/fixtures.js";

const SCRIPT = join(PROJECT_ROOT, "examples", "read_shards.py");

/** A python3 that imports google.protobuf (pyenv shims may shadow Debian's), or undefined. */
function python(): string | undefined {
  return ["python3", "/usr/bin/python3"].find((py) => spawnSync(py, ["-c", "import google.protobuf"], { encoding: "utf8" }).status === 0);
}

interface PySummary {
  patch_name: string;
  labels: string[];
  multi_hot: number[];
  bands: Record<string, { shape: [number, number]; sha256: string }>;
}

async function truth(file: string): Promise<PySummary[]> {
  const core = await createCore();
  const out: PySummary[] = [];
  for await (const r of readRecords(file, core)) {
    const p = core.decodePatch(r.data);
    const bands: PySummary["bands"] = {};
    p.bands.forEach((b, i) => {
      const side = BAND_SIDES[i] as number;
      bands[BAND_NAMES[i] as string] = { shape: [side, side], sha256: createHash("sha256").update(new Uint8Array(b.buffer, b.byteOffset, b.byteLength)).digest("hex") };
    });
    out.push({ patch_name: p.patchName, labels: p.labels, multi_hot: Array.from(p.multiHot), bands });
  }
  return out;
}

function runScript(py: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(py, [SCRIPT, ...args], { encoding: "utf8", maxBuffer: 64 << 20 });
}

test("examples/read_shards.py reads prep's shards from Python: the same names, labels and pixels as ben19", async (t) => {
  const py = python();
  if (!need(t, py === undefined ? "python3 with google.protobuf (Debian package python3-protobuf)" : undefined) || py === undefined) return;
  const s = await synthFixture(8, 21);
  const out = join(tempDir("py-rec"), "rec");
  await prep({ root: s.out, out, splits: [s.splits.train], workers: 1 });
  const files = [join(out, "train.tfrecord")];
  const golden = join(SHARED_DIR, "golden", "real-v1.tfrecord");
  if (existsSync(golden)) files.push(golden);
  for (const file of files) {
    const r = runScript(py, [file, "--json"]);
    assert.equal(r.status, 0, r.stderr);
    const got = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as PySummary);
    const want = await truth(file);
    assert.ok(want.length > 0);
    assert.equal(got.length, want.length, file);
    got.forEach((g, i) => {
      const w = want[i] as PySummary;
      assert.equal(g.patch_name, w.patch_name);
      assert.deepEqual(g.labels, w.labels, g.patch_name);
      assert.deepEqual(g.multi_hot, w.multi_hot, g.patch_name);
      for (const band of BAND_NAMES) {
        assert.deepEqual(g.bands[band]?.shape, w.bands[band]?.shape, `${g.patch_name} ${band}`);
        assert.equal(g.bands[band]?.sha256, w.bands[band]?.sha256, `${g.patch_name} ${band}: Python read other pixels`);
      }
    });
    t.diagnostic(`${file}: ${got.length} records agree`);
  }
  // A damaged record is refused by the example's own CRC check, with the record named.
  const bytes = Buffer.from(await (await import("node:fs/promises")).readFile(files[0] as string));
  bytes[1000] = (bytes[1000] as number) ^ 1;
  const bad = join(tempDir("py-bad"), "bad.tfrecord");
  writeFileSync(bad, bytes);
  const r = runScript(py, [bad]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /record 0: the data CRC does not match/);
});
