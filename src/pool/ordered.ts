// Runs tasks on a worker pool and yields their results in submission order, with at most `window` tasks in
// flight. The FIFO of pending promises is the reorder buffer: a fast worker can finish task i+1 before task i,
// but nothing is yielded out of order, and since a new task is only submitted when the oldest one is consumed,
// memory is bounded by `window` results however long the task stream is (back-pressure).

/** The one thing ordered() needs from a pool: run a task, get a promise of its result. */
export interface TaskRunner<T, R> {
  run(task: T): Promise<R>;
}

/**
 * Yields `runner.run(task)` for each task, in order, keeping up to `window` tasks in flight. `tasks` may be async
 * (e.g. produced while a stream is read): it is then pulled only as results are consumed, so it is back-pressured too.
 */
export async function* ordered<T, R>(
  runner: TaskRunner<T, R>, tasks: Iterable<T> | AsyncIterable<T>, window: number,
): AsyncGenerator<R> {
  if (!Number.isInteger(window) || window < 1) {
    throw new RangeError(`ordered(): window must be an integer ≥ 1, got ${window}`);
  }
  const pending: Promise<R>[] = [];
  const it = Symbol.asyncIterator in tasks ? tasks[Symbol.asyncIterator]() : tasks[Symbol.iterator]();
  const submit = async (): Promise<boolean> => {
    const next = await it.next();
    if (next.done === true) return false;
    const p = runner.run(next.value);
    // Rejections are observed when the promise reaches the head of the queue; this no-op handler only keeps
    // Node from treating an early rejection of a later task as unhandled in the meantime.
    p.catch(() => undefined);
    pending.push(p);
    return true;
  };
  try {
    while (pending.length < window && (await submit()));
    while (pending.length > 0) {
      const head = pending.shift() as Promise<R>;
      const result = await head;
      await submit();
      yield result;
    }
  } finally {
    await it.return?.();
    // When the consumer stops early (an error, a break), let the tasks in flight finish before the caller tears
    // the pool down: a worker answering a destroyed pool is an uncaught error in piscina.
    await Promise.allSettled(pending);
  }
}
