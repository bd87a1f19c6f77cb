// The wasm backend on several threads (the package's threaded build, loaded by src/runtime/wasm-threads.ts): it
// starts in Node, gives bit-identical results to the single-threaded build (XNNPACK splits work by output tiles,
// each value is computed the same way), and lets Node exit. The thread count is fixed per process, so the
// comparison runs threads-child.ts twice. The other model tests run on whatever BEN19_WASM_THREADS says (default:
// every core), so `BEN19_WASM_THREADS=1 npm test` covers our kernels on the single-threaded build.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { availableParallelism } from "node:os";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { Ben19Error } from "../../src/core/errors.js";
import { selectBackend, wasmThreads } from "../../src/runtime/backend.js";
import { MAX_WASM_THREADS } from "../../src/runtime/wasm-threads.js";

interface ChildResult {
  threads: number;
  skipped: { name: string; reason: string }[];
  digests: Record<string, { values: number; sha256: string }>;
}

function child(threads: number): ChildResult {
  const script = fileURLToPath(new URL("./threads-child.ts", import.meta.url));
  const r = spawnSync(process.execPath, ["--import", "tsx", script, "kbranch", "resnet50"], {
    encoding: "utf8",
    env: { ...process.env, BEN19_WASM_THREADS: String(threads) },
    // A hanging pthread worker would keep the child alive: it is killed after this and the test fails.
    timeout: 120_000,
  });
  assert.equal(r.signal, null, `the child with ${threads} threads did not exit by itself (killed by ${r.signal}): ${r.stderr}`);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as ChildResult;
}

test("kbranch and resnet50 forward and weight gradients are bit-identical on 1 and 2 wasm threads, and Node exits", () => {
  const one = child(1);
  const two = child(2);
  assert.equal(one.threads, 1);
  assert.deepEqual(two.skipped, [], "the threaded build did not start");
  assert.equal(two.threads, 2);
  for (const name of ["kbranch", "resnet50"]) {
    assert.ok((one.digests[name]?.values ?? 0) > 1_000_000, `${name}: too few values`);
    assert.deepEqual(two.digests[name], one.digests[name], `${name}: 2 threads differ from 1`);
  }
});

test("the wasm thread count: option, then BEN19_WASM_THREADS, then the cores; bad values are errors naming them", () => {
  const saved = process.env["BEN19_WASM_THREADS"];
  try {
    delete process.env["BEN19_WASM_THREADS"];
    assert.equal(wasmThreads(), Math.min(availableParallelism(), MAX_WASM_THREADS));
    process.env["BEN19_WASM_THREADS"] = "3";
    assert.equal(wasmThreads(), 3);
    assert.equal(wasmThreads({ threads: 1 }), 1);
    for (const bad of ["0", "9", "two", "1.5"]) {
      process.env["BEN19_WASM_THREADS"] = bad;
      assert.throws(() => wasmThreads(), (e: unknown) => e instanceof Ben19Error && e.code === "E_BACKEND" && e.message.includes("BEN19_WASM_THREADS") && e.message.includes(bad));
    }
    delete process.env["BEN19_WASM_THREADS"];
    assert.throws(() => wasmThreads({ threads: 0 }), /the wasm thread count must be a whole number from 1 to 8, got 0/);
  } finally {
    if (saved === undefined) delete process.env["BEN19_WASM_THREADS"];
    else process.env["BEN19_WASM_THREADS"] = saved;
  }
});

test("selectBackend reports the wasm threads in use, as asked (here: the environment's or every core)", async () => {
  const info = await selectBackend("wasm");
  assert.deepEqual(info.skipped, []);
  assert.equal(info.threads, wasmThreads());
});
