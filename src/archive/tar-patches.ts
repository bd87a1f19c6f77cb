// The patches of a tar stream (a .tar.gz or .tar.zst) in archive order, each with its 13 files' bytes, for a
// single pass without extraction. Patches are grouped by tar-groups.ts (the rule the .tar index applies too): a
// patch is handed on in the order of its first file, once complete or left behind by the window, so the order is
// the same on every run over the same tarball, and memory is bounded by the window.
import { Ben19Error } from "../core/errors.js";
import { PatchGroups, type Claim, type PatchGroup } from "./tar-groups.js";
import { patchMember, TarStream } from "./tar.js";

export { TAR_PATCH_WINDOW } from "./tar-groups.js";

export interface StreamedPatch {
  name: string;
  /** File name → bytes, as readPatchFromFiles takes them. */
  files: Map<string, Uint8Array>;
}

/**
 * Yields the patches of the tar byte stream `chunks` that `claim(name)` accepts (see PatchGroups.member), in archive
 * order; see the module comment. `where` names the tarball in messages.
 */
export async function* streamTarPatches(
  chunks: AsyncIterable<Uint8Array>,
  where: string,
  claim: (name: string) => Claim,
  o: { window?: number; json?: boolean } = {},
): AsyncGenerator<StreamedPatch> {
  const files = new Map<PatchGroup, Map<string, Uint8Array>>();
  /** Patches handed on by the grouping, in order; the last may still be receiving its last file's data. */
  const closed: PatchGroup[] = [];
  let receiving: PatchGroup | undefined;
  const groups = new PatchGroups(where, (g) => closed.push(g), o);
  const parser = new TarStream(
    where,
    (m) => {
      const pm = patchMember(m.path);
      receiving = pm === undefined ? undefined : groups.member(m, pm.patch, pm.file, claim);
      if (receiving !== undefined && !files.has(receiving)) files.set(receiving, new Map());
      return receiving !== undefined;
    },
    (m, bytes) => {
      const pm = patchMember(m.path);
      if (pm !== undefined && receiving !== undefined) files.get(receiving)?.set(pm.file, bytes);
      receiving = undefined;
    },
  );
  const ready = function* (): Generator<StreamedPatch> {
    while (closed.length > 0 && closed[0] !== receiving) {
      const g = closed.shift() as PatchGroup;
      yield { name: g.name, files: files.get(g) ?? new Map() };
      files.delete(g);
    }
  };
  try {
    for await (const chunk of chunks) {
      parser.push(chunk as Uint8Array);
      yield* ready();
      if (parser.complete) break;
    }
  } catch (e) {
    if (e instanceof Ben19Error) throw e;
    const err = e as NodeJS.ErrnoException;
    const hint = err.code?.startsWith("Z_") === true
      ? "the file is not gzip-compressed or is damaged: download it again"
      : undefined;
    throw new Ben19Error("E_TAR_CORRUPT", `cannot read the compressed tarball: ${err.message}`, { file: where }, hint);
  }
  parser.finish(true);
  receiving = undefined;
  groups.finish();
  yield* ready();
}
