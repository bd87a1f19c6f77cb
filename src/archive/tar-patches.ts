// The patches of a tar stream (a .tar.gz through gunzip) in archive order, each with its 13 files' bytes, for a
// single pass without extraction. A tarball of the archive holds each patch's files together, but tar does not
// promise it, so patches are collected in a bounded window: a patch is handed on once all its files arrived and
// every patch that began before it was handed on, or when more than `window` patches are open (the oldest goes as
// it is: a missing file is then reported by the patch reader). The order is that of each patch's first file in the
// tarball, so it is the same on every run over the same tarball.
import { BAND_NAMES } from "../core/bands.js";
import { Ben19Error } from "../core/errors.js";
import { bandFileName, labelFileName } from "./patch.js";
import { patchMember, TarStream } from "./tar.js";

export interface StreamedPatch {
  name: string;
  /** File name → bytes, as readPatchFromFiles takes them. */
  files: Map<string, Uint8Array>;
}

interface Open {
  expected: Set<string>;
  files: Map<string, Uint8Array>;
}

/** Patches open at once before the oldest is handed on incomplete (≈ 170 KB each). */
export const TAR_PATCH_WINDOW = 64;

/**
 * Yields the patches of the tar byte stream `chunks` that `claim(name)` accepts (called once, at a patch's first
 * file; false leaves the patch's files unread), in archive order; see the module comment. `where` names the
 * tarball in messages.
 */
export async function* streamTarPatches(chunks: AsyncIterable<Uint8Array>, where: string, claim: (name: string) => boolean, o: { window?: number; json?: boolean } = {}): AsyncGenerator<StreamedPatch> {
  const window = o.window ?? TAR_PATCH_WINDOW;
  const json = o.json ?? true;
  const open = new Map<string, Open>();
  const ready: StreamedPatch[] = [];
  let current: Open | undefined;
  const parser = new TarStream(
    where,
    (m) => {
      const pm = patchMember(m.path);
      current = undefined;
      if (pm === undefined) return false;
      let g = open.get(pm.patch);
      if (g === undefined) {
        if (!claim(pm.patch)) return false;
        const names = BAND_NAMES.map((b) => bandFileName(pm.patch, b));
        g = { expected: new Set(json ? [...names, labelFileName(pm.patch)] : names), files: new Map() };
        open.set(pm.patch, g);
      }
      current = g;
      return g.expected.has(pm.file);
    },
    (m, bytes) => {
      const pm = patchMember(m.path);
      // The patch may have been handed on (window overflow) while this file's data was still arriving.
      if (pm !== undefined && current !== undefined && open.get(pm.patch) === current) current.files.set(pm.file, bytes);
    },
  );
  const drain = (all: boolean): void => {
    for (const [name, g] of open) {
      if (!all && g.files.size < g.expected.size && open.size <= window) break;
      open.delete(name);
      ready.push({ name, files: g.files });
    }
  };
  try {
    for await (const chunk of chunks) {
      parser.push(chunk as Uint8Array);
      drain(false);
      if (ready.length > 0) yield* ready.splice(0);
      if (parser.complete) break;
    }
  } catch (e) {
    if (e instanceof Ben19Error) throw e;
    const err = e as NodeJS.ErrnoException;
    throw new Ben19Error("E_TAR_CORRUPT", `cannot read the compressed tarball: ${err.message}`, { file: where }, err.code?.startsWith("Z_") === true ? "the file is not compressed as its extension says, or is damaged: download it again" : undefined);
  }
  parser.finish(true);
  drain(true);
  yield* ready.splice(0);
}
