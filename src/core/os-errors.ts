// Errors the operating system reports on a file (a full disk, a read-only file system, no permission, a file where
// a folder should be) are the user's to fix, not ben19 bugs: they become named errors with the path and the fix,
// exit 1, no stack trace. Used by the CLI for any command, and by prep to say that its finished work was kept.
import { Ben19Error } from "./errors.js";

/** The fix for each errno a user can cause. */
const FIXES: Readonly<Record<string, string>> = {
  ENOSPC: "the disk is full: free space (or choose another folder) and rerun",
  EDQUOT: "the disk quota is used up: free space (or choose another folder) and rerun",
  EFBIG: "the file exceeds the size this process may write (ulimit -f) or the file system's limit: " +
    "raise the limit or choose another folder",
  EROFS: "the file system is read-only: choose a writable folder",
  EACCES: "no permission: choose a folder this user may write (or files it may read), or change the permissions",
  EPERM: "the operation is not permitted here: choose another folder or change the permissions",
  ENOTDIR: "a part of the path is a file, not a folder: choose another path",
  EISDIR: "the path is a folder where a file was expected: choose another path",
  EEXIST: "something already exists at this path: remove it or choose another path",
  ENOENT: "the path does not exist: check it",
  ENAMETOOLONG: "the path is too long: choose a shorter one",
  ELOOP: "the path has a symbolic link loop: fix the links",
  EMFILE: "too many open files: raise the limit (ulimit -n) and rerun",
  ENFILE: "too many open files on the system: rerun later",
  EIO: "the storage reported an input/output error: check the disk",
  EBUSY: "the file or device is busy: rerun later",
  EXDEV: "the paths lie on different file systems: choose folders on one file system",
};

/** The OS error `e` as a named error (E_OS_<ERRNO>), or undefined when it is not one a user can fix. */
export function osError(e: unknown): Ben19Error | undefined {
  if (e instanceof Ben19Error || typeof e !== "object" || e === null) return undefined;
  const err = e as NodeJS.ErrnoException;
  const fix = err.code === undefined ? undefined : FIXES[err.code];
  if (fix === undefined) return undefined;
  const what = err.syscall !== undefined ? `${err.syscall} failed` : "a file operation failed";
  const reason = (err.message.split(",")[0] ?? err.code ?? "").replace(/^[A-Z]+: /, "");
  return new Ben19Error(`E_OS_${err.code as string}`, `${what}: ${reason}`, { file: err.path }, fix);
}
