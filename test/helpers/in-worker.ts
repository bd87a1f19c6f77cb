// Runs an exported function of a source module inside a worker thread, as prep's pool does, and returns its
// result: readers must work there too (geotiff.js once did not). See in-worker-entry.cjs.
import { Worker } from "node:worker_threads";

/** A PatchError or other error as it comes back from the worker: its fields, not its class. */
export interface WorkerError {
  name?: string;
  code?: string;
  message?: string;
  place?: { patch?: string; file?: string };
}

/** Calls `fn(...args)` of the module at `module` (a file URL) in a fresh worker thread; rejects with a WorkerError. */
export function inWorker<T>(module: URL, fn: string, args: unknown[]): Promise<T> {
  const entry = new URL("./in-worker-entry.cjs", import.meta.url);
  return new Promise((resolve, reject) => {
    const w = new Worker(entry);
    w.postMessage({ module: module.href, fn, args });
    w.once("message", (m: { ok: true; value: T } | { ok: false; error: WorkerError }) => {
      void w.terminate();
      if (m.ok) resolve(m.value);
      else reject(m.error);
    });
    w.once("error", reject);
  });
}
