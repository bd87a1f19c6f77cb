// The one piscina set-up, for prep's encoders and the dataset's decoders: a fixed number of threads running one
// worker module, typed by its task and result, and the one way a worker hands back a result whose buffers move.
import { Piscina } from "piscina";

export interface Pool<Task, Result> {
  /** Runs a task; `transfer` lists buffers moved to the worker (they are unusable here until they come back). */
  run(task: Task, transfer?: readonly ArrayBuffer[]): Promise<Result>;
  destroy(): Promise<void>;
}

/**
 * A pool of `threads` workers running `worker`'s default export (a sibling module of the caller, named without
 * extension: `.ts` when running from src/ under tsx, `.js` from dist/).
 */
export function createPool<Task, Result>(callerUrl: string, worker: string, threads: number): Pool<Task, Result> {
  const ext = callerUrl.endsWith(".ts") ? ".ts" : ".js";
  const pool = new Piscina<Task, Result>({
    filename: new URL(`./${worker}${ext}`, callerUrl).href,
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
