// The header-only index of an uncompressed .tar by patch folder, under the grouping rule of tar-groups.ts: each
// wanted patch's byte range (first header to the end of its last file, whole blocks) and the file names it holds.
// Shared by prep's S2 input, its S1 and reference-map roots, and verify's S1 side.
import { PatchGroups, type Claim, type GroupOptions, type PatchGroup } from "./tar-groups.js";
import { indexTar, paddedSize, patchMember } from "./tar.js";

/** A .tar's wanted patches: each one's byte range and the file names it holds. */
export type TarIndex = Map<string, { range: [number, number]; files: Set<string> }>;

/** Indexes the patches `wanted` (every patch folder when undefined) of the .tar `file`. */
export function indexTarGroups(file: string, wanted: Iterable<string> | undefined, o: GroupOptions = {}): TarIndex {
  const want = wanted === undefined ? undefined : new Set(wanted);
  const index: TarIndex = new Map();
  const close = (g: PatchGroup): void => {
    index.set(g.name, { range: [g.start, g.end], files: new Set(g.seen.keys()) });
  };
  const groups = new PatchGroups(file, close, o);
  const claim = (name: string): Claim => {
    if (index.has(name)) return "seen";
    return want === undefined || want.delete(name) ? "new" : "unwanted";
  };
  indexTar(file, (m) => {
    const pm = patchMember(m.path);
    if (pm !== undefined) groups.member(m, pm.patch, pm.file, claim);
  });
  groups.finish();
  // A range ends at the last file's data; the reader takes whole blocks.
  for (const v of index.values()) v.range[1] = v.range[0] + paddedSize(v.range[1] - v.range[0]);
  return index;
}
