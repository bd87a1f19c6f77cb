// The same WASM file passes the same suite (test/runtimes/suite.mjs) in Node, bun, deno and headless Chromium.
// Each runtime loads the built dist/ and the core embedded in it, and also fetches build/core.wasm from a local
// server, so the report's CRC of the fetched bytes shows that every runtime ran the very same file.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import { crc32cBitwise } from "../../src/wasm/reference.js";
import { need, PROJECT_ROOT } from "../helpers/env.js";
import { RUNTIMES, runIn, serveProject, whyUnavailable } from "../../scripts/runtimes/harness.js";

const SUITE = "test/runtimes/suite.mjs";
const CHECKS = 14; // every check of the suite, with the loads from a URL, bytes and a module

for (const f of ["dist/wasm/index.js", "build/core.wasm"]) {
  if (!existsSync(join(PROJECT_ROOT, f))) throw new Error(`${f} is missing: run npm run build first (npm test does)`);
}
const wasm = readFileSync(join(PROJECT_ROOT, "build", "core.wasm"));
const server = await serveProject();
after(() => server.close());

for (const rt of RUNTIMES) {
  test(`the ben19/wasm suite passes in ${rt}, and reports a failure as one`, async (t) => {
    if (!need(t, whyUnavailable(rt))) return;
    const r = await runIn(rt, SUITE, { wasmUrl: `${server.base}/build/core.wasm` }, server.base);
    const failures = (r.checks as { ok: boolean }[] | undefined)?.filter((c) => !c.ok);
    assert.equal(r.ok, true, JSON.stringify(failures ?? r, null, 2));
    assert.equal(r.exitCode, 0);
    assert.equal(r.passed, CHECKS, `${r.runtime} ran ${String(r.passed)} checks`);
    assert.deepEqual(r.skipped, []);
    assert.deepEqual(r.wasm, { url: `${server.base}/build/core.wasm`, bytes: wasm.length, crc32c: crc32cBitwise(wasm) });
    t.diagnostic(`${r.runtime}: ${String(r.passed)} checks passed`);

    const missing = `${server.base}/build/no-such-core.wasm`;
    const bad = await runIn(rt, SUITE, { wasmUrl: missing }, server.base);
    assert.equal(bad.ok, false);
    assert.equal(bad.exitCode, 1);
    const failed = (bad.checks as { name: string; ok: boolean; error?: string }[]).filter((c) => !c.ok);
    assert.deepEqual(failed.map((c) => c.name), [`fetch ${missing}`]);
    assert.match(failed[0]?.error ?? "", /HTTP status .* got 404/);
  });
}
