// Chooses the tfjs backend: `auto` tries tfjs-node (an optional extra whose native library often cannot be
// installed), then the wasm backend (XNNPACK; with our training kernels), then plain JS cpu. Every kind of load
// failure (missing package, missing .so, init error) is caught and reported, never thrown, for `auto`.
import { tf } from "./tf.js";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Ben19Error } from "../core/errors.js";
import { registerTrainingGradients, registerWasmTrainingKernels } from "./kernels/index.js";

export const BACKEND_CHOICES = ["auto", "node", "wasm", "cpu"] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

/** The backend in use and, for `auto`, why the faster ones were not. */
export interface BackendInfo {
  /** ben19's name for it: node (tfjs-node, native TensorFlow), wasm or cpu. */
  name: Exclude<BackendChoice, "auto">;
  /** tfjs's name for it (tensorflow, wasm, cpu). */
  tfjsName: string;
  skipped: { name: string; reason: string }[];
}

const require = createRequire(import.meta.url);

function message(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split("\n")[0] ?? "unknown error";
}

async function tryNode(): Promise<string> {
  // A variable specifier keeps bundlers and tsc from resolving the optional package at build time.
  const pkg = "@tensorflow/tfjs-node";
  await import(pkg);
  if (!(await tf.setBackend("tensorflow"))) throw new Error("tfjs-node loaded but the tensorflow backend did not initialise");
  return "tensorflow";
}

async function tryWasm(): Promise<string> {
  const wasm = await import("@tensorflow/tfjs-backend-wasm");
  // The .wasm binaries ship inside the package: point tfjs at them so nothing is fetched from the network.
  wasm.setWasmPaths(`${join(dirname(require.resolve("@tensorflow/tfjs-backend-wasm")), "/")}`);
  // Node has no cross-origin-isolated workers for the threaded build; ask for the single-threaded SIMD one.
  tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", false);
  registerWasmTrainingKernels();
  if (!(await tf.setBackend("wasm"))) throw new Error("the wasm backend did not initialise");
  return "wasm";
}

async function tryCpu(): Promise<string> {
  await import("@tensorflow/tfjs-backend-cpu");
  if (!(await tf.setBackend("cpu"))) throw new Error("the cpu backend did not initialise");
  return "cpu";
}

const LOADERS: Record<BackendInfo["name"], () => Promise<string>> = { node: tryNode, wasm: tryWasm, cpu: tryCpu };

/**
 * Makes `choice` the active tfjs backend. `auto` falls back node → wasm → cpu; a named backend that cannot
 * load is an error naming it and the reason.
 */
export async function selectBackend(choice: BackendChoice = "auto"): Promise<BackendInfo> {
  registerTrainingGradients();
  const order: BackendInfo["name"][] = choice === "auto" ? ["node", "wasm", "cpu"] : [choice];
  const skipped: BackendInfo["skipped"] = [];
  for (const name of order) {
    try {
      const tfjsName = await LOADERS[name]();
      return { name, tfjsName, skipped };
    } catch (e) {
      skipped.push({ name, reason: message(e) });
    }
  }
  const why = skipped.map((s) => `${s.name}: ${s.reason}`).join("; ");
  throw new Ben19Error("E_BACKEND", `no tfjs backend could be loaded (${why})`, {}, choice === "node"
    ? "tfjs-node is an optional extra: `npm install @tensorflow/tfjs-node`, or use --backend wasm"
    : "reinstall with `npm ci`; --backend cpu needs only @tensorflow/tfjs-backend-cpu");
}
