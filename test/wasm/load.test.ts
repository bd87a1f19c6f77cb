// createCore()'s sources: the working ones give the same core; bad ones give named errors (WasmError, OptionError).
// Loading from a URL in every runtime is covered by test/runtimes/.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { test } from "node:test";
import { OptionError, WasmError } from "../../src/core/errors.js";
import { createCore } from "../../src/wasm/core.js";
import { PROJECT_ROOT } from "../helpers/env.js";

const file = join(PROJECT_ROOT, "build", "core.wasm");
const bytes = readFileSync(file);
const check = new TextEncoder().encode("123456789");
/** The smallest valid WASM module: magic and version, no sections. */
const EMPTY_MODULE = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);

async function rejectsWith(work: Promise<unknown>, cls: typeof WasmError | typeof OptionError, code: string, text: RegExp): Promise<void> {
  await assert.rejects(work, (e: unknown) => {
    assert.ok(e instanceof cls, String(e));
    assert.equal(e.code, code);
    assert.match(e.describe(), text);
    return true;
  });
}

test("bytes, a Module and a Response (any Content-Type), named or given directly, all make a working core", async () => {
  const module = await WebAssembly.compile(bytes);
  const sources = [
    { bytes },
    bytes,
    bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length),
    { module },
    module,
    { response: new Response(bytes, { headers: { "content-type": "application/wasm" } }) },
    new Response(bytes, { headers: { "content-type": "application/octet-stream" } }),
  ];
  for (const s of sources) assert.equal((await createCore(s)).crc32c(check), 0xe3069283);
});

test("bad sources give WasmError or OptionError naming the source and the fix", async () => {
  await rejectsWith(createCore({ bytes: new Uint8Array([1, 2, 3]) }), WasmError, "E_WASM_COMPILE", /the given bytes does not compile.*build\/core\.wasm/);
  await rejectsWith(createCore({ bytes: EMPTY_MODULE }), WasmError, "E_WASM_ABI", /not the ben19 core/);
  await rejectsWith(createCore(new Response("nope", { status: 404 })), WasmError, "E_WASM_FETCH", /HTTP 404/);
  // Node's fetch() cannot read file: URLs; the hint says what to do instead.
  await rejectsWith(createCore({ url: pathToFileURL(file) }), WasmError, "E_WASM_FETCH", /pass \{ bytes \}/);
  await rejectsWith(createCore({ bytes, module: await WebAssembly.compile(bytes) } as never), OptionError, "E_OPTION", /exactly one of bytes, url, response, module/);
  await rejectsWith(createCore({} as never), OptionError, "E_OPTION", /exactly one of/);
  await rejectsWith(createCore({ bytes: "core.wasm" } as never), OptionError, "E_OPTION", /createCore bytes.*ArrayBuffer or a typed array/);
});
