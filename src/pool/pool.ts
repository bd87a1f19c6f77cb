// The one piscina set-up, for prep's encoders and the dataset's decoders: a fixed number of threads running one
// worker module, typed by its task and result, and the one way a worker hands back a result whose buffers move.
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { Piscina } from "piscina";

export interface Pool<Task, Result> {
  /** Runs a task; `transfer` lists buffers moved to the worker (they are unusable here until they come back). */
  run(task: Task, transfer?: readonly ArrayBuffer[]): Promise<Result>;
  destroy(): Promise<void>;
}

/**
 * The URL of module `name` (without extension) beside the module at `callerUrl`: `.ts` when running from src/ under
 * tsx, `.js` from dist/.
 */
function siblingModule(callerUrl: string, name: string): string {
  return new URL(`./${name}${callerUrl.endsWith(".ts") ? ".ts" : ".js"}`, callerUrl).href;
}

/**
 * Loads module `name` beside the worker module at `callerUrl` on demand. From src/ under tsx, piscina has loaded the
 * worker through tsx's require hook, and a dynamic import() there has no TypeScript loader: require it the same way.
 */
export async function importSibling<T>(callerUrl: string, name: string): Promise<T> {
  const url = siblingModule(callerUrl, name);
  if (!callerUrl.endsWith(".ts")) return (await import(url)) as T;
  return createRequire(callerUrl)(fileURLToPath(url)) as T;
}

/**
 * A pool of `threads` workers running `worker`'s default export (a sibling module of the caller, named without
 * extension: `.ts` when running from src/ under tsx, `.js` from dist/).
 */
export function createPool<Task, Result>(callerUrl: string, worker: string, threads: number): Pool<Task, Result> {
  const pool = new Piscina<Task, Result>({
    filename: siblingModule(callerUrl, worker),
    minThreads: threads,
    maxThreads: threads,
    idleTimeout: 1000,
  });
  return {
    run: (task, transfer = []) => pool.run(task, { transferList: [...transfer] }),
    destroy: () => pool.destroy(),
  };
}

/** A worker's result, returned so that `buffers` are moved to the main thread rather than copied. */
export function moving<Result>(result: Result, buffers: readonly ArrayBufferLike[]): Result {
  const movable = { [Piscina.transferableSymbol]: buffers, [Piscina.valueSymbol]: result };
  // Piscina unwraps the marker object to `result` on the main thread: the caller sees a Result.
  return Piscina.move(movable as unknown as Parameters<typeof Piscina.move>[0]) as unknown as Result;
}
