// The output folder: created when missing, and removed again (with the parents created for it) when a run that
// created it fails before keeping anything in it, so that an aborted run leaves no empty folder behind.
import { mkdirSync, readdirSync, rmdirSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { Ben19Error } from "../core/errors.js";

/** Creates `out` (and missing parents); returns the topmost folder created, or undefined when it existed. */
export function makeOutputFolder(out: string): string | undefined {
  try {
    if (statSync(out).isDirectory()) return undefined;
  } catch {
    // missing: created below
  }
  try {
    return mkdirSync(out, { recursive: true });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === "EEXIST" || err.code === "ENOTDIR") {
      const hint = "pass -o a folder path (it is created when missing)";
      throw new Ben19Error("E_OUTPUT_NOT_FOLDER", `the output path (or a folder above it) is a file, not a folder`,
        { file: out }, hint);
    }
    throw e;
  }
}

/** Removes `out` and its parents up to `top` (what makeOutputFolder created) as long as they are empty. */
export function removeCreatedFolder(out: string, top: string | undefined): void {
  if (top === undefined) return;
  for (let dir = out; ; dir = dirname(dir)) {
    try {
      if (readdirSync(dir).length > 0) return;
      rmdirSync(dir);
    } catch {
      return;
    }
    if (dir === top || dirname(dir) === dir) return;
  }
}
