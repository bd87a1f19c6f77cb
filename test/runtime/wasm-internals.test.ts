// The shim over tfjs-backend-wasm's internals (src/runtime/wasm-internals.ts): it names the version it was written
// for, which must be the one installed, and a backend whose internals moved is a named error, not a TypeError.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { test } from "node:test";
import type { KernelBackend } from "@tensorflow/tfjs-core";
import { Ben19Error } from "../../src/core/errors.js";
import { selectBackend } from "../../src/runtime/backend.js";
import { tf } from "../../src/runtime/tf.js";
import { noteWasmVersion, TFJS_WASM_BUILT_FOR, wasmInternals } from "../../src/runtime/wasm-internals.js";

test("the shim describes the installed tfjs-backend-wasm, and the real backend passes its checks", async () => {
  // The package's main entry is dist/tf-backend-wasm.node.js: its package.json is one folder up.
  const entry = createRequire(import.meta.url).resolve("@tensorflow/tfjs-backend-wasm");
  const pkg = JSON.parse(readFileSync(join(dirname(entry), "..", "package.json"), "utf8")) as { name: string; version: string };
  assert.equal(pkg.name, "@tensorflow/tfjs-backend-wasm");
  const installed = pkg.version;
  assert.equal(TFJS_WASM_BUILT_FOR, installed);
  await selectBackend("wasm", { threads: 1 });
  const heap = wasmInternals(tf.backend()).wasm.HEAPU8;
  assert.ok(heap.length > 0);
});

test("internals that moved are an error naming the installed and the expected version", () => {
  noteWasmVersion("9.9.9");
  const moved = { dataIdMap: { get: () => undefined }, makeOutput: () => undefined } as unknown as KernelBackend;
  assert.throws(() => wasmInternals(moved), (e: unknown) => {
    assert.ok(e instanceof Ben19Error);
    assert.equal(e.code, "E_BACKEND");
    assert.match(e.message, /tfjs-backend-wasm 9\.9\.9 lacks BackendWasm\.typedArrayFromHeap/);
    assert.match(e.message, new RegExp(TFJS_WASM_BUILT_FOR.replaceAll(".", "\\.")));
    return true;
  });
});
