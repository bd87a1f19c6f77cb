// How a failed prep run leaves its output folder, and the error it ends with (the policy is in failure()'s comment).
import { Ben19Error, PatchError } from "../core/errors.js";
import { osError } from "../core/os-errors.js";
import { removeJournal } from "./journal.js";
import type { OutputLock } from "./lock.js";
import type { ShardSet } from "./shards.js";

/** The error that stops a run under --on-error fail at a bad patch (the run's state is clean: see failure()). */
export class BadPatchStop extends Error {
  constructor(readonly cause: Ben19Error) {
    super(cause.message);
  }
}

export interface FailureState {
  sets: ShardSet[];
  lock: OutputLock;
  checkpoint: () => void;
  journalFile: string;
  /** The folder holds durable work of this run (or of the run it resumed). */
  kept: boolean;
  doneAll: number;
  /** --on-error skip is possible (not with --part). */
  canSkip: boolean;
}

/**
 * What a failed run leaves, and the error it ends with. Nothing kept yet: every file goes. Otherwise the work done
 * stays resumable (a bad patch at hour 3 must not cost 3 hours): after a bad patch the state is clean, so it is
 * checkpointed up to the patch; after an I/O error the last checkpoint stands (--resume cuts the shards back to
 * it). A run whose lock was taken over touches nothing: the folder is the other run's now.
 */
export function failure(e: unknown, f: FailureState): unknown {
  const stop = e instanceof BadPatchStop ? e.cause : undefined;
  if (f.lock.lost || (e instanceof Ben19Error && e.code === "E_LOCK_LOST")) {
    for (const s of f.sets) s.release();
    return e;
  }
  if (!f.kept) {
    for (const s of f.sets) s.abort();
    removeJournal(f.journalFile);
    if (stop === undefined) return osError(e) ?? e;
    const hint = stop.hint ?? "fix or remove the patch, or rerun with --on-error skip to leave it out";
    return new PatchError(stop.code, `${stop.message}; prep stopped and wrote no output`, stop.place, hint);
  }
  let saved = false;
  if (stop !== undefined) {
    try {
      f.checkpoint();
      saved = true;
    } catch {
      // the previous checkpoint stands
    }
  }
  for (const s of f.sets) s.release();
  const skip = f.canSkip
    ? ", or rerun it with --resume --on-error skip to leave every bad patch out (listed in errors.json)"
    : "";
  if (stop !== undefined) {
    const kept = saved ? `the ${f.doneAll} patches before it are kept` : "the work up to the last checkpoint is kept";
    const hint =
      "fix or restore the patch (or leave it out: --exclude-list FILE.csv), then rerun the same command with " +
      `--resume to continue where it stopped${skip}`;
    return new PatchError(stop.code, `${stop.message}; prep stopped: ${kept}`, stop.place, hint);
  }
  const os = osError(e);
  const base = os ?? (e instanceof Ben19Error ? e : undefined);
  if (base === undefined) return e;
  const hint = `${base.hint ?? "fix the cause"}, then rerun the same command with --resume to continue`;
  return new Ben19Error(base.code, `${base.message}; the work up to the last checkpoint is kept`, base.place, hint);
}
