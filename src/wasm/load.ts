// The one module that touches WebAssembly: compile the core once, cache the Module, instantiate on demand.
// No Node built-ins here or in anything it imports, so `ben19/wasm` runs in browsers, bun and deno unchanged.
import { CORE_WASM_BASE64 } from "../../build/core-wasm.js";
import { OptionError, WasmError } from "../core/errors.js";

/** Where the core's bytes come from, given directly: bytes, a URL to fetch, a Response, or a compiled Module. */
export type WasmSource = BufferSource | URL | Response | WebAssembly.Module;

/**
 * Where the core's bytes come from, named: exactly one of `bytes` (e.g. a file's contents), `url` (fetched; relative
 * URLs resolve against the page in browsers), `response` (an unread fetch() Response) or `module` (already compiled).
 * Without any, the build embedded in `ben19/wasm` as base64 is used.
 */
export type CoreOptions =
  | { bytes: BufferSource }
  | { url: string | URL }
  | { response: Response }
  | { module: WebAssembly.Module };

const OPTION_KEYS = ["bytes", "url", "response", "module"] as const;

/** The raw exports of the core (see assembly/index.ts and docs/wasm-abi.md). */
export interface CoreExports {
  memory: WebAssembly.Memory;
  abiVersion(): number;
  patchPixels(): number;
  classCount(): number;
  bandsPtr(): number;
  namePtr(): number;
  labelsPtr(): number;
  labelLensPtr(): number;
  multiHotPtr(): number;
  ioPtr(): number;
  ioCapacity(): number;
  tablePtr(): number;
  countsPtr(): number;
  crc32cUpdate(crc: number, ptr: number, len: number): number;
  maskCrc(crc: number): number;
  encodeRecord(nameLen: number, labelCount: number): number;
  frameInPlace(len: number): number;
  checkFrame(len: number): number;
  decodeFeatures(len: number): number;
  decodePatch(len: number): number;
  srcF32Ptr(): number;
  dstF32Ptr(): number;
  resample(inH: number, inW: number, outH: number, outW: number, method: number): number;
  normalize(src: number, n: number, mean: number, std: number, dst: number): number;
  outF32Ptr(): number;
  layoutChannel(
    band: number, mean: number, std: number, outSide: number, method: number, channel: number, channels: number,
  ): number;
  s1Ptr(): number;
  referenceMapPtr(): number;
  nameS1Ptr(): number;
  mmCountsPtr(): number;
}

/** The ABI version this facade speaks; a core with another one is refused. */
export const ABI_VERSION = 4;

function decodeBase64(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

let embedded: Promise<WebAssembly.Module> | undefined;

/** Awaits a compilation, naming where the bytes came from when they are not a WASM module. */
async function compiled(work: Promise<WebAssembly.Module>, from: string): Promise<WebAssembly.Module> {
  try {
    return await work;
  } catch (e) {
    throw new WasmError("E_WASM_COMPILE", `the core from ${from} does not compile: ${(e as Error).message}`, {},
      "use build/core.wasm of the same ben19 version");
  }
}

async function fromResponse(res: Response, from: string): Promise<WebAssembly.Module> {
  if (!res.ok) {
    throw new WasmError("E_WASM_FETCH", `fetching the core from ${from} gave HTTP ${res.status}`, {},
      "check the URL: it should serve build/core.wasm");
  }
  // compileStreaming insists on Content-Type application/wasm; many static servers send another type for good bytes.
  const streaming = (res.headers.get("content-type") ?? "").startsWith("application/wasm");
  const module = streaming ? WebAssembly.compileStreaming(res) : res.arrayBuffer().then((b) => WebAssembly.compile(b));
  return compiled(module, from);
}

async function fromUrl(url: string | URL): Promise<WebAssembly.Module> {
  let res: Response;
  try {
    res = await fetch(url);
  } catch (e) {
    const hint = String(url).startsWith("file:")
      ? "Node's fetch() cannot read file: URLs: read the file yourself and pass { bytes }"
      : "check the URL and that the server is reachable";
    throw new WasmError("E_WASM_FETCH", `cannot fetch the core from ${String(url)}: ${(e as Error).message}`, {}, hint);
  }
  return fromResponse(res, String(url));
}

/** A source given directly, compiled; undefined when `source` is none of the direct forms. */
function direct(source: unknown): Promise<WebAssembly.Module> | undefined {
  if (source instanceof WebAssembly.Module) return Promise.resolve(source);
  if (source instanceof URL) return fromUrl(source);
  if (typeof Response !== "undefined" && source instanceof Response) {
    return fromResponse(source, source.url || "a Response");
  }
  if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) {
    return compiled(WebAssembly.compile(source as BufferSource), "the given bytes");
  }
  return undefined;
}

const EXPECTED: Record<(typeof OPTION_KEYS)[number], string> = {
  bytes: "expected an ArrayBuffer or a typed array holding build/core.wasm",
  url: "expected a URL or a string",
  response: "expected a fetch() Response",
  module: "expected a WebAssembly.Module",
};

function compile(source: WasmSource | CoreOptions | undefined): Promise<WebAssembly.Module> {
  if (source === undefined) return (embedded ??= WebAssembly.compile(decodeBase64(CORE_WASM_BASE64)));
  const module = direct(source);
  if (module !== undefined) return module;
  const o = (typeof source === "object" && source !== null ? source : {}) as Record<string, unknown>;
  const keys = OPTION_KEYS.filter((k) => o[k] !== undefined);
  if (keys.length !== 1) {
    throw new OptionError("createCore", Object.keys(o),
      `expected exactly one of ${OPTION_KEYS.join(", ")}, or nothing for the embedded core`);
  }
  const key = keys[0] as (typeof OPTION_KEYS)[number];
  const value = o[key];
  const named = key === "url" && typeof value === "string" ? fromUrl(value) : direct(value);
  if (named === undefined) {
    throw new OptionError(`createCore ${key}`, Object.prototype.toString.call(value), EXPECTED[key]);
  }
  return named;
}

/** A fresh instance of the core (each has its own memory and arena), from the embedded build or `source`. */
export async function instantiateCore(source?: WasmSource | CoreOptions): Promise<CoreExports> {
  const module = await compile(source);
  const imports = {
    env: {
      abort(): void {
        throw new Error("ben19 WASM core aborted (a bug in the core: kernels return status codes for bad data)");
      },
    },
  };
  const instance = await WebAssembly.instantiate(module, imports).catch((e: Error) => {
    throw new WasmError("E_WASM_ABI", `the WASM module does not instantiate as the ben19 core: ${e.message}`, {},
      "use build/core.wasm of the same ben19 version");
  });
  const exports = instance.exports as unknown as CoreExports;
  if (typeof exports.abiVersion !== "function") {
    throw new WasmError("E_WASM_ABI", "the WASM module has no abiVersion export: it is not the ben19 core");
  }
  if (exports.abiVersion() !== ABI_VERSION) {
    throw new WasmError("E_WASM_ABI",
      `the WASM core speaks ABI ${exports.abiVersion()}, this library expects ${ABI_VERSION}`, {},
      "use the core.wasm of the same ben19 version, or rebuild with npm run build");
  }
  return exports;
}
