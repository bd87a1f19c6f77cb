// The threaded SIMD build of the tfjs wasm backend (Emscripten pthreads; XNNPACK on a pthreadpool) in Node, where
// tfjs never loads it (tensorflow/tfjs#3830): its loader hands Emscripten the pthread worker script and the build's
// own script as Blob URLs, which worker_threads cannot start and the worker cannot read. We run the build's
// Emscripten factory ourselves, with the worker script as a data: URL module and the build's script by path, and
// register the result as the "wasm" backend, so every wasm kernel, tfjs's and ours, applies unchanged. Nothing is
// fetched: the files are the package's.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { tf } from "./tf.js";
import {
  backendOf, pthreadWorkers, threadedModule, type ThreadedFactory, type ThreadedModule,
} from "./wasm-internals.js";

/** tfjs caps its pool at 8 threads, and Emscripten pre-starts 8 workers (a thread asked for beyond them would wait
 * for a worker to load while the main thread blocks: a deadlock). */
export const MAX_WASM_THREADS = 8;

const BUILD = "tfjs-backend-wasm-threaded-simd";
const require = createRequire(import.meta.url);

/** The pthread workers' entry. tfjs ships the worker's code only as a string, meant for a Blob URL; it is
 * Node-aware but expects a CommonJS scope, which the module gives it. A data: URL rather than a file of ours, as a
 * worker started from a .ts file would not get tsx's loader (tests and benches run from src/). */
function pthreadEntry(script: string): URL {
  const worker = `@tensorflow/tfjs-backend-wasm/wasm-out/${BUILD}.worker.js`;
  const { wasmWorkerContents } = require(worker) as { wasmWorkerContents: string };
  const source = [
    `import { createRequire } from "node:module";`,
    `const require = createRequire(${JSON.stringify(import.meta.url)});`,
    `const __filename = ${JSON.stringify(script)};`,
    // The string's "\n" escapes became real newlines inside its string literals: escape them again, as tfjs does.
    wasmWorkerContents.replace(/\n/g, "\\n"),
  ].join("\n");
  return new URL(`data:text/javascript,${encodeURIComponent(source)}`);
}

type WasmImports = WebAssembly.Imports & { env: WebAssembly.ModuleImports };

function stopWorkers(module: object): void {
  for (const w of pthreadWorkers(module)) void w.terminate();
}

/** Runs the build's Emscripten factory; resolves once its 8 workers have loaded the module. A worker that fails
 * to start rejects the promise (Emscripten's own handler would throw an uncaught exception, or wait forever). */
function instantiate(threads: number): Promise<ThreadedModule> {
  const script = require.resolve(`@tensorflow/tfjs-backend-wasm/wasm-out/${BUILD}.js`);
  const factory = require(script) as ThreadedFactory;
  const entry = pthreadEntry(script);
  return new Promise((resolve, reject) => {
    let state: "loading" | "ready" | "failed" = "loading";
    const fail = (e: unknown): void => {
      if (state !== "loading") return;
      state = "failed";
      stopWorkers(config);
      reject(e instanceof Error ? e : new Error(String(e)));
    };
    // Emscripten fills in this object as the module (PThread among others).
    const config: Record<string, unknown> = {
      locateFile: (path: string) => (path.endsWith(".worker.js") ? entry : join(dirname(script), path)),
      // Each worker evaluates the build's script itself, read from this path.
      mainScriptUrlOrBlob: script,
      // tfjs caps its pool at (logical cores) / 2, a guess at hyperthreading that leaves one thread on a 2-core
      // machine: report twice the threads asked for, so the cap is what was asked.
      instantiateWasm: (imports: WasmImports, receive: (i: WebAssembly.Instance, m: WebAssembly.Module) => void) => {
        readFile(join(dirname(script), `${BUILD}.wasm`))
          .then((bytes) => WebAssembly.instantiate(bytes,
            { ...imports, env: { ...imports.env, emscripten_num_logical_cores: () => 2 * threads } }))
          .then(({ instance, module }) => receive(instance, module), fail);
        return {};
      },
      printErr: (text: string) => fail(new Error(text)),
    };
    factory(config).then((module) => {
      if (state !== "loading") return;
      try {
        const checked = threadedModule(module);
        state = "ready";
        resolve(checked);
      } catch (e) {
        fail(e);
      }
    }, fail);
    // The factory created its workers synchronously; they have not run yet.
    for (const w of pthreadWorkers(config)) {
      let handler: unknown;
      Object.defineProperty(w, "onerror",
        { configurable: true, get: () => (state === "ready" ? handler : fail), set: (h: unknown) => { handler = h; } });
      w.on("error", fail);
      w.once("exit", (code) => fail(new Error(`a pthread worker stopped while loading (exit code ${code})`)));
    }
  });
}

/**
 * Makes the threaded build the "wasm" backend with `threads` threads (2 … 8) and returns the count XNNPACK uses.
 * On failure the package's own (single-threaded) "wasm" backend is left registered, and the error is thrown.
 */
export async function useThreadedWasm(threads: number): Promise<number> {
  const wasm = await import("@tensorflow/tfjs-backend-wasm");
  const module = await instantiate(threads);
  // What tfjs's own loader attaches to the module for BackendWasm.
  module.tfjs = {
    init: module.cwrap("init", null, []),
    initWithThreadsCount: module.cwrap("init_with_threads_count", null, ["number"]),
    getThreadsCount: module.cwrap("get_threads_count", "number", []),
    registerTensor: module.cwrap("register_tensor", null, ["number", "number", "number"]),
    disposeData: module.cwrap("dispose_data", null, ["number"]),
    dispose: module.cwrap("dispose", null, []),
  };
  const original = tf.findBackendFactory("wasm");
  const priority = 2; // the package's own
  wasm.setThreadsCount(threads);
  tf.removeBackend("wasm");
  tf.registerBackend("wasm", () => backendOf(wasm.BackendWasm, module), priority);
  const ok = await tf.setBackend("wasm");
  // The pool's threads wait on futexes for work, and Emscripten keeps their workers referenced: unreference them so
  // that Node exits when the program is done (its exit stops them).
  for (const w of module.PThread.runningWorkers) w.unref();
  if (ok && wasm.getThreadsCount() > 1) return wasm.getThreadsCount();
  tf.removeBackend("wasm");
  if (original !== null) tf.registerBackend("wasm", original, priority);
  stopWorkers(module);
  throw new Error(ok
    ? "the threaded build started with a single thread"
    : "the threaded wasm backend did not initialise");
}
