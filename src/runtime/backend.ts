// Chooses the tfjs backend: `auto` tries tfjs-node (an optional extra whose native library often cannot be
// installed), then the wasm backend (XNNPACK; with our training kernels), then plain JS cpu. Every kind of load
// failure (missing package, missing .so, init error) is caught and reported, never thrown, for `auto`.
// The wasm backend computes on every core (the package's threaded build, see wasm-threads.ts) unless asked for
// fewer threads; if the threaded build cannot start, the single-threaded one is used and the reason reported.
import { tf } from "./tf.js";
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { dirname, join } from "node:path";
import { Ben19Error } from "../core/errors.js";
import { registerTrainingGradients, registerWasmTrainingKernels } from "./kernels/index.js";
import { noteWasmVersion } from "./wasm-internals.js";
import { MAX_WASM_THREADS, useThreadedWasm } from "./wasm-threads.js";

export const BACKEND_CHOICES = ["auto", "node", "wasm", "cpu"] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

/** The backend in use and, for `auto`, why the faster ones were not. */
export interface BackendInfo {
  /** ben19's name for it: node (tfjs-node, native TensorFlow), wasm or cpu. */
  name: Exclude<BackendChoice, "auto">;
  /** tfjs's name for it (tensorflow, wasm, cpu). */
  tfjsName: string;
  /** wasm only: the threads XNNPACK computes with (1: the single-threaded build). */
  threads?: number;
  /** What was tried and not used, and why (a faster backend, or the threaded wasm build). */
  skipped: { name: string; reason: string }[];
}

export interface BackendOptions {
  /** Threads of the wasm backend, 1 … 8: default `BEN19_WASM_THREADS`, else the available cores (at most 8). 1 is the
   * single-threaded build. Fixed by the first wasm initialisation in a process; `BackendInfo.threads` says what
   * is used. */
  threads?: number | undefined;
}

const THREADS_ENV = "BEN19_WASM_THREADS";

/** The wasm thread count asked for: the option, the environment variable, or the available cores. */
export function wasmThreads(options: BackendOptions = {}): number {
  const raw = options.threads ?? process.env[THREADS_ENV];
  if (raw === undefined || raw === "") return Math.min(availableParallelism(), MAX_WASM_THREADS);
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > MAX_WASM_THREADS) {
    const what = options.threads !== undefined ? "the wasm thread count" : THREADS_ENV;
    throw new Ben19Error("E_BACKEND",
      `${what} must be a whole number from 1 to ${MAX_WASM_THREADS}, got ${JSON.stringify(raw)}`, {},
      `use 1 for the single-threaded build, or leave it unset for every core (${availableParallelism()} here)`);
  }
  return n;
}

/** Whatever a loader adds to the backend's name. */
type Loaded = Omit<BackendInfo, "name">;

const require = createRequire(import.meta.url);

function message(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split("\n")[0] ?? "unknown error";
}

async function tryNode(): Promise<Loaded> {
  // A variable specifier keeps bundlers and tsc from resolving the optional package at build time.
  const pkg = "@tensorflow/tfjs-node";
  await import(pkg);
  if (!(await tf.setBackend("tensorflow"))) {
    throw new Error("tfjs-node loaded but the tensorflow backend did not initialise");
  }
  return { tfjsName: "tensorflow", skipped: [] };
}

/** The first wasm initialisation in the process: its thread count and, if the threaded build failed, why. */
let wasmSetup: Promise<Pick<BackendInfo, "threads" | "skipped">> | undefined;

async function setUpWasm(threads: number): Promise<Pick<BackendInfo, "threads" | "skipped">> {
  if (threads === 1) return { threads: 1, skipped: [] };
  try {
    return { threads: await useThreadedWasm(threads), skipped: [] };
  } catch (e) {
    return { threads: 1, skipped: [{ name: `wasm with ${threads} threads`, reason: message(e) }] };
  }
}

async function tryWasm(options: BackendOptions): Promise<Loaded> {
  const threads = wasmThreads(options);
  const wasm = await import("@tensorflow/tfjs-backend-wasm");
  noteWasmVersion(wasm.version_wasm);
  // The .wasm binaries ship inside the package: point tfjs at them so nothing is fetched from the network.
  wasm.setWasmPaths(`${join(dirname(require.resolve("@tensorflow/tfjs-backend-wasm")), "/")}`);
  // tfjs's own loader cannot start the threaded build in Node (wasm-threads.ts does): it loads the single-threaded
  // SIMD one, used for 1 thread or when the threaded build fails.
  tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", false);
  registerWasmTrainingKernels();
  wasmSetup ??= setUpWasm(threads);
  const setup = await wasmSetup;
  if (!(await tf.setBackend("wasm"))) throw new Error("the wasm backend did not initialise");
  return { tfjsName: "wasm", ...setup, skipped: [...setup.skipped] };
}

async function tryCpu(): Promise<Loaded> {
  await import("@tensorflow/tfjs-backend-cpu");
  if (!(await tf.setBackend("cpu"))) throw new Error("the cpu backend did not initialise");
  return { tfjsName: "cpu", skipped: [] };
}

const LOADERS: Record<BackendInfo["name"], (options: BackendOptions) => Promise<Loaded>> = {
  node: tryNode, wasm: tryWasm, cpu: tryCpu,
};

/**
 * Makes `choice` the active tfjs backend. `auto` falls back node → wasm → cpu; a named backend that cannot
 * load is an error naming it and the reason. A bad thread count is an error too.
 */
export async function selectBackend(
  choice: BackendChoice = "auto", options: BackendOptions = {},
): Promise<BackendInfo> {
  registerTrainingGradients();
  if (choice === "wasm" || choice === "auto") wasmThreads(options);
  const order: BackendInfo["name"][] = choice === "auto" ? ["node", "wasm", "cpu"] : [choice];
  const skipped: BackendInfo["skipped"] = [];
  for (const name of order) {
    try {
      const loaded = await LOADERS[name](options);
      return { name, ...loaded, skipped: [...skipped, ...loaded.skipped] };
    } catch (e) {
      skipped.push({ name, reason: message(e) });
    }
  }
  const why = skipped.map((s) => `${s.name}: ${s.reason}`).join("; ");
  throw new Ben19Error("E_BACKEND", `no tfjs backend could be loaded (${why})`, {}, choice === "node"
    ? "tfjs-node is an optional extra: `npm install @tensorflow/tfjs-node`, or use --backend wasm"
    : "reinstall with `npm ci`; --backend cpu needs only @tensorflow/tfjs-backend-cpu");
}
