// Writing a whole file so that it is either absent or complete: write a temporary sibling, then rename over the
// final name (atomic on POSIX file systems). Every small output ben19 writes in one piece goes through here.
import { renameSync, writeFileSync } from "node:fs";

export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  writeFileSync(`${file}.tmp`, data);
  renameSync(`${file}.tmp`, file);
}
