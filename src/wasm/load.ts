// The one module that touches WebAssembly: compile the core once, cache the Module, instantiate on demand.
// No Node built-ins here or in anything it imports, so `ben19/wasm` runs in browsers, bun and deno unchanged.
import { CORE_WASM_BASE64 } from "../../build/core-wasm.js";

/** Where the core's bytes come from: the embedded build (default), bytes, a URL to fetch, a Response, or a Module. */
export type WasmSource = BufferSource | URL | Response | WebAssembly.Module;

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
}

/** The ABI version this facade speaks; a core with another one is refused. */
export const ABI_VERSION = 2;

function decodeBase64(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

let embedded: Promise<WebAssembly.Module> | undefined;

async function compile(source: WasmSource | undefined): Promise<WebAssembly.Module> {
  if (source === undefined) return (embedded ??= WebAssembly.compile(decodeBase64(CORE_WASM_BASE64)));
  if (source instanceof WebAssembly.Module) return source;
  if (source instanceof URL) return WebAssembly.compileStreaming(fetch(source));
  if (typeof Response !== "undefined" && source instanceof Response) return WebAssembly.compileStreaming(source);
  return WebAssembly.compile(source as BufferSource);
}

/** A fresh instance of the core (each has its own memory and arena). */
export async function instantiateCore(source?: WasmSource): Promise<CoreExports> {
  const module = await compile(source);
  const instance = await WebAssembly.instantiate(module, {
    env: {
      abort(): void {
        throw new Error("ben19 WASM core aborted (a bug in the core: kernels return status codes for bad data)");
      },
    },
  });
  const exports = instance.exports as unknown as CoreExports;
  if (exports.abiVersion() !== ABI_VERSION) {
    throw new Error(`ben19 WASM core speaks ABI ${exports.abiVersion()}, this library expects ${ABI_VERSION}: rebuild with npm run build`);
  }
  return exports;
}
