// ben19's training kernels (assembly/train/, WebAssembly SIMD) instantiated on the tfjs wasm backend's own memory:
// they take the byte offsets of the backend's tensors and compute in place, with no copy in or out. The only module
// that instantiates them. A module's imported memory must match the memory it is given, shared or not, so there
// are two builds: build/train-shared.wasm for the threaded backend, build/train.wasm for the single-threaded one.
// The kernels run on the calling (main) thread between the backend's kernels, while its pool threads wait.
import type { KernelBackend } from "@tensorflow/tfjs-core";
import { TRAIN_SHARED_WASM_BASE64, TRAIN_WASM_BASE64 } from "../../../build/train-wasm.js";
import { wasmInternals, wasmMemory } from "../wasm-internals.js";

/** The exports of assembly/train/index.ts (docs/wasm-abi.md, "Training kernels"). Pointers are byte offsets in the
 * backend's memory; counts and sizes are elements. */
export interface TrainKernels {
  trainAbiVersion(): number;
  adam(
    w: number, m: number, v: number, g: number, n: number, beta1: number, beta2: number,
    oneMinusBeta1: number, oneMinusBeta2: number, c1: number, c2: number, epsilon: number, negLr: number,
  ): void;
  maxPoolGrad(
    x: number, dy: number, dx: number, nb: number, h: number, w: number, c: number, oh: number, ow: number,
    sh: number, sw: number, fh: number, fw: number, top: number, left: number,
  ): void;
  reluGrad(x: number, dy: number, dx: number, n: number): void;
  batchNormGradSums(
    x: number, dy: number, mean: number, invStd: number, rows: number, c: number, sums: number, dGamma: number,
    dBeta: number,
  ): void;
  batchNormGradDx(
    x: number, dy: number, dx: number, mean: number, invStd: number, a: number, k: number, m: number, rows: number,
    c: number,
  ): void;
  swapAxes(src: number, dst: number, a: number, r: number, s: number, t: number): void;
  dropout(
    x: number, y: number, mask: number, n: number, s0: number, s1: number, s2: number, c: number, keep: number,
  ): void;
}

/** The ABI the host side was written for (assembly/train/index.ts's trainAbiVersion). */
const TRAIN_ABI = 4;

/** Compiled once per variant (1 KB each: synchronous compilation is immediate). */
const compiled = new Map<boolean, WebAssembly.Module>();
/** Instances per backend memory (a backend keeps its memory for life; a new backend has a new one). */
const instances = new WeakMap<WebAssembly.Memory, TrainKernels | null>();
let enabled = true;

/** Turns the kernels off (true) or on again, for tests that compare them with the paths they replace. */
export function disableTrainKernels(off: boolean): void {
  enabled = !off;
}

function decode(base64: string): Uint8Array {
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

function instantiate(memory: WebAssembly.Memory): TrainKernels | null {
  const shared = typeof SharedArrayBuffer !== "undefined" && memory.buffer instanceof SharedArrayBuffer;
  try {
    let module = compiled.get(shared);
    if (module === undefined) {
      const bytes = decode(shared ? TRAIN_SHARED_WASM_BASE64 : TRAIN_WASM_BASE64);
      module = new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
      compiled.set(shared, module);
    }
    const exports = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as TrainKernels;
    if (exports.trainAbiVersion() !== TRAIN_ABI) throw new Error("build/train*.wasm is stale: npm run build:wasm");
    return exports;
  } catch (e) {
    // A runtime without WebAssembly SIMD cannot compile the module: the callers fall back to the backend's ops.
    if (e instanceof WebAssembly.CompileError) return null;
    throw e;
  }
}

/** The kernels on the memory of `backend` (the wasm backend), or undefined where they cannot run (no WebAssembly
 * SIMD, or turned off): callers then use the backend's own ops. */
export function trainKernels(backend: KernelBackend): TrainKernels | undefined {
  if (!enabled) return undefined;
  const memory = wasmMemory(wasmInternals(backend));
  let kernels = instances.get(memory);
  if (kernels === undefined) {
    kernels = instantiate(memory);
    instances.set(memory, kernels);
  }
  return kernels ?? undefined;
}
