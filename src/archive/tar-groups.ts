// The rule both tarball readers apply to a patch's members, so that a .tar (indexed, read at offsets) and a .tar.gz
// (streamed) accept and refuse the same tarballs with the same errors. A tarball of the archive holds each patch's
// 13 files together; tar does not promise it, so a window of WINDOW patches may be open at once (files
// interleaved within it are regrouped). A patch is handed on, in the order of its first member, once its 13 files
// are there and every patch before it was handed on, or when more than WINDOW patches are pending (the oldest goes
// as it is; a missing file is then the patch reader's error). After that, a further member of the patch lies
// outside its group (E_TAR_STRAY), and a second copy of one of its files is ambiguous (E_TAR_DUPLICATE: .tar would
// see one copy, .tar.gz the other). Either stops the run, whatever --on-error says: the tarball is not laid out as
// the archive's. A patch member larger than the file caps is refused before it is read (E_TAR_MEMBER_TOO_LARGE).
// Memory and a .tar patch's byte range are therefore bounded by the window, not by the tarball.
import { BAND_NAMES } from "../core/bands.js";
import { Ben19Error } from "../core/errors.js";
import { bandFileName, labelFileName, maxPatchFileBytes } from "./patch.js";
import type { TarMember } from "./tar.js";

/** Patches pending at once before the oldest is handed on incomplete (≈ 170 KB each). */
export const TAR_PATCH_WINDOW = 64;

/** The 13 file names of a patch (12 for reBEN, whose labels are in the metadata: `json` false). */
export function patchFileNames(name: string, json = true): Set<string> {
  const bands = BAND_NAMES.map((b) => bandFileName(name, b));
  return new Set(json ? [...bands, labelFileName(name)] : bands);
}

/** One patch's members as far as seen. */
export interface PatchGroup {
  name: string;
  expected: Set<string>;
  /** Expected file names seen, with each one's member. */
  seen: Map<string, TarMember>;
  /** Header offset of its first member, and end of its last member's data. */
  start: number;
  end: number;
}

const REPACK = "the tarball is not laid out like the archive's: extract it and pass the folder with -r " +
  "(or repack it with each patch folder's files together, once each)";

export interface GroupOptions {
  window?: number | undefined;
  json?: boolean | undefined;
  files?: ((name: string) => Set<string>) | undefined;
}

/** What a reader knows of a patch at a member of it that is not in an open group. */
export type Claim = "new" | "seen" | "unwanted";

export class PatchGroups {
  private readonly pending: PatchGroup[] = [];
  private readonly byName = new Map<string, PatchGroup>();

  private readonly window: number;
  private readonly files: (name: string) => Set<string>;

  constructor(
    private readonly where: string,
    /** Called for each patch handed on, in the order of its first member. */
    private readonly close: (g: PatchGroup) => void,
    /**
     * The window (default TAR_PATCH_WINDOW); json false: a patch has no label file (reBEN); `files`: the file names
     * of a patch of another kind (an S1 patch, a reference map) instead of the 13 of an S2 patch.
     */
    o: GroupOptions = {},
  ) {
    this.window = o.window ?? TAR_PATCH_WINDOW;
    const json = o.json ?? true;
    this.files = o.files ?? ((name) => patchFileNames(name, json));
  }

  /**
   * Takes a member of patch `patch` (file `file`). For a patch with no open group, `claim` says whether it is wanted
   * and new (its group opens), was handed on already (this member is a stray) or is not wanted (ignored); the
   * reader keeps that state, since it already holds every wanted name. Returns the group when this member is one of
   * a wanted patch's 13 files, else undefined.
   */
  member(m: TarMember, patch: string, file: string, claim: (name: string) => Claim): PatchGroup | undefined {
    let g = this.byName.get(patch);
    if (g === undefined) {
      const c = claim(patch);
      if (c === "unwanted") return undefined;
      if (c === "seen") {
        if (!this.files(patch).has(file)) return undefined;
        const message = `member ${m.path} lies outside its patch's group, which was already complete or left behind: ` +
          `a patch's files must lie together (within ${this.window} patches)`;
        throw new Ben19Error("E_TAR_STRAY", message, { file: this.where, offset: m.header }, REPACK);
      }
      g = { name: patch, expected: this.files(patch), seen: new Map(), start: m.header, end: m.header };
      this.byName.set(patch, g);
      this.pending.push(g);
    }
    if (!g.expected.has(file)) return undefined;
    const first = g.seen.get(file);
    if (first !== undefined) {
      const message = `member ${m.path} appears twice (first at byte ${first.header}): ` +
        "which copy is the patch's is ambiguous";
      throw new Ben19Error("E_TAR_DUPLICATE", message, { file: this.where, offset: m.header }, REPACK);
    }
    const cap = maxPatchFileBytes(file);
    if (m.size > cap) {
      const message = `member ${m.path} is ${m.size} bytes, more than the ${cap} accepted for a patch file`;
      throw new Ben19Error("E_TAR_MEMBER_TOO_LARGE", message, { file: this.where, offset: m.header }, REPACK);
    }
    g.seen.set(file, m);
    g.end = Math.max(g.end, m.data + m.size);
    this.settle(false);
    return g;
  }

  /** Hands on every pending patch (at the end of the tarball). */
  finish(): void {
    this.settle(true);
  }

  private settle(all: boolean): void {
    for (;;) {
      const g = this.pending[0];
      if (g === undefined) return;
      if (!all && g.seen.size < g.expected.size && this.pending.length <= this.window) return;
      this.pending.shift();
      this.byName.delete(g.name);
      this.close(g);
    }
  }
}
