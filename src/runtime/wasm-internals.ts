// The one typed view of tfjs-backend-wasm's private internals: the backend's tensor table and heap (in-place weight
// updates, wasm-heap.ts; heap kernels, kernels/*.ts), its WebAssembly.Memory (ben19's training kernels run on it,
// simd/train-module.ts) and the Emscripten module of the threaded build (wasm-threads.ts). Nothing else in ben19
// casts tfjs internals. Every view is checked before use, so that a tfjs release that renames them fails with an
// error naming the installed version, not with a TypeError deep in a step.
import type { KernelBackend, TensorInfo } from "@tensorflow/tfjs-core";
import type { Worker } from "node:worker_threads";
import { Ben19Error } from "../core/errors.js";

/** The tfjs-backend-wasm version whose internals this file describes (package.json pins it). */
export const TFJS_WASM_BUILT_FOR = "4.22.0";

/** The installed version, recorded when backend.ts loads the package. */
let installed: string | undefined;

export function noteWasmVersion(version: string): void {
  installed = version;
}

/** The error for internals that are not where 4.22.0 has them. */
function changed(what: string): Ben19Error {
  const version = installed ?? "(version unknown)";
  return new Ben19Error("E_BACKEND", `tfjs-backend-wasm ${version} lacks ${what}, an internal of version `
    + `${TFJS_WASM_BUILT_FOR} that ben19's wasm training relies on`, {},
    `install @tensorflow/tfjs-backend-wasm@${TFJS_WASM_BUILT_FOR} (npm ci), or use --backend cpu`);
}

/** A tensor's entry in the backend's table. */
export interface HeapTensor {
  id: number;
  memoryOffset: number;
  refCount: number;
}

/** The exported C functions of the backend's module that ben19 calls. */
export interface WasmFunctions {
  disposeData(id: number): void;
  registerTensor(id: number, size: number, offset: number): void;
}

/** BackendWasm's members below its public KernelBackend face. */
export interface WasmBackendInternals {
  dataIdMap: { get(dataId: object): HeapTensor | undefined };
  wasm: { HEAPU8: Uint8Array; tfjs: WasmFunctions };
  makeOutput(shape: number[], dtype: "float32"): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array;
}

const isFunction = (v: unknown): boolean => typeof v === "function";

/** `backend` (the wasm backend) seen through its internals; an error naming the version when they moved. */
export function wasmInternals(backend: KernelBackend): WasmBackendInternals {
  const b = backend as Partial<Record<keyof WasmBackendInternals, unknown>>;
  const map = b.dataIdMap as { get?: unknown } | undefined;
  if (!isFunction(map?.get)) throw changed("BackendWasm.dataIdMap.get");
  if (!isFunction(b.makeOutput)) throw changed("BackendWasm.makeOutput");
  if (!isFunction(b.typedArrayFromHeap)) throw changed("BackendWasm.typedArrayFromHeap");
  const wasm = b.wasm as { HEAPU8?: unknown; tfjs?: Partial<Record<keyof WasmFunctions, unknown>> } | undefined;
  if (!(wasm?.HEAPU8 instanceof Uint8Array)) throw changed("BackendWasm.wasm.HEAPU8");
  if (!isFunction(wasm.tfjs?.disposeData) || !isFunction(wasm.tfjs?.registerTensor)) {
    throw changed("BackendWasm.wasm.tfjs.disposeData/registerTensor");
  }
  return backend as unknown as WasmBackendInternals;
}

/** The byte offset of a tensor's values in the backend's memory (valid until the tensor is freed; growing the
 * memory does not move it). */
export function heapOffset(backend: WasmBackendInternals, t: TensorInfo): number {
  const data = backend.dataIdMap.get(t.dataId);
  if (data === undefined) throw changed("a tensor in BackendWasm.dataIdMap");
  return data.memoryOffset;
}

/** The WebAssembly.Memory the backend's module computes in: the threaded build creates it (a shared memory, kept
 * as the module's `wasmMemory`), the single-threaded build exports it (`asm.memory`). */
export function wasmMemory(backend: WasmBackendInternals): WebAssembly.Memory {
  const module = backend.wasm as { wasmMemory?: unknown; asm?: { memory?: unknown } };
  const memory = module.wasmMemory ?? module.asm?.memory;
  if (!(memory instanceof WebAssembly.Memory)) throw changed("the module's wasmMemory or asm.memory");
  return memory;
}

/** The Emscripten module of the threaded build, as its factory returns it. */
export interface ThreadedModule {
  cwrap(name: string, returns: "number" | null, args: "number"[]): (...args: number[]) => number;
  PThread: { unusedWorkers: Worker[]; runningWorkers: Worker[] };
  tfjs?: Record<string, (...args: number[]) => number>;
}

/** The module's worker lists, while the factory is still filling it in (undefined until it made them). */
export function pthreadWorkers(module: object): Worker[] {
  const p = (module as Partial<ThreadedModule>).PThread;
  return [...(p?.unusedWorkers ?? []), ...(p?.runningWorkers ?? [])];
}

/** The factory's finished module, checked. */
export function threadedModule(module: unknown): ThreadedModule {
  const m = module as Partial<ThreadedModule> | undefined;
  if (!isFunction(m?.cwrap)) throw changed("the threaded module's cwrap");
  if (!Array.isArray(m?.PThread?.runningWorkers)) throw changed("the threaded module's PThread.runningWorkers");
  return m as ThreadedModule;
}

/** The factory of the threaded build's script. */
export type ThreadedFactory = (config: object) => Promise<unknown>;

/** Wraps a started threaded module as the package's BackendWasm, whose constructor takes the module (typed
 * privately by the package). */
export function backendOf<B>(BackendWasm: new (module: never) => B, module: ThreadedModule): B {
  return new BackendWasm(module as never);
}
