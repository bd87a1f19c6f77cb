// Paths named on the command line are checked before a command starts: one that does not exist, or is a file
// where a folder is expected (or the reverse), is a usage error naming the option, the path and what to pass.
import { existsSync, statSync } from "node:fs";
import { Ben19Error } from "../core/errors.js";

export type PathKind = "file" | "folder" | "file or folder";

/** Throws E_NO_PATH (exit 2) unless `path`, given to `option`, exists and is of `kind`; `what` says what to pass. */
export function requirePath(option: string, path: string, kind: PathKind, what: string): void {
  const fail = (problem: string): never => {
    throw new Ben19Error("E_NO_PATH", `${option}: ${problem}: ${path}`, {}, `pass ${what}`);
  };
  if (!existsSync(path)) fail(`no such ${kind}`);
  const dir = statSync(path).isDirectory();
  if (kind === "file" && dir) fail("expected a file, got a folder");
  if (kind === "folder" && !dir) fail("expected a folder, got a file");
}
