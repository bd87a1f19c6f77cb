// Which BigEarthNet release an archive root holds, and where a reBEN (v2.0) patch lies in it. v1.0 keeps one folder
// per patch directly under the root, each with its label JSON; reBEN nests patches in tile folders
// (`BigEarthNet-S2/<tile>/<patch>/`, no JSON) and keeps the labels in metadata.parquet beside BigEarthNet-S2/.
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { Ben19Error } from "../../core/errors.js";
import { tarballKind } from "../tarball.js";
import { METADATA_FILE, SNOW_CLOUD_FILE } from "./metadata.js";

/** The S2 folder of a reBEN download (also the top folder inside BigEarthNet-S2.tar.zst). */
export const V2_S2_FOLDER = "BigEarthNet-S2";

/** A reBEN patch or tile folder name: `S2[AB]_MSIL2A_<date>_N<baseline>_R<orbit>_T<tile>`, then `_<col>_<row>`. */
export const V2_TILE_PATTERN = /^S2[AB]_MSIL2A_\d{8}T\d{6}_N\d{4}_R\d{3}_T\w{5}$/;

export type ArchiveLayout =
  | { version: 1; root: string }
  | {
      version: 2;
      /** The folder holding the tile folders, or the tarball. */
      root: string;
      metadata: string;
      /** The snow/cloud/shadow table beside metadata.parquet, when present. */
      snowCloud: string | undefined;
    };

/** The tile folder of a reBEN patch: its name without the last two `_` parts (column and row). */
export function tileOf(patch: string): string {
  const parts = patch.split("_");
  return parts.slice(0, Math.max(1, parts.length - 2)).join("_");
}

/** The folder of reBEN patch `name` under the tile folders' parent `root`. */
export function v2PatchDir(root: string, name: string): string {
  return join(root, tileOf(name), name);
}

function v2(root: string, metadata: string): ArchiveLayout {
  const snow = join(dirname(metadata), SNOW_CLOUD_FILE);
  return { version: 2, root, metadata, snowCloud: existsSync(snow) ? snow : undefined };
}

/** True when `dir` holds reBEN tile folders (checks the first few entries only: the real root has 100+ tiles). */
function holdsTiles(dir: string): boolean {
  try {
    return readdirSync(dir).slice(0, 8).some((n) => V2_TILE_PATTERN.test(n));
  } catch {
    return false;
  }
}

/**
 * The archive at `root` (a folder or a tarball): reBEN when `metadata` is given, when `root` holds BigEarthNet-S2/
 * and metadata.parquet, or for a .tar.zst with metadata.parquet beside it; v1.0 otherwise. A folder of tile folders
 * or a .tar.zst without metadata is an error that says which file to pass.
 */
export function detectArchive(root: string, metadata: string | undefined): ArchiveLayout {
  const folder = existsSync(root) && statSync(root).isDirectory();
  if (metadata !== undefined) {
    const m = resolve(metadata);
    if (!existsSync(m)) {
      const hint = "pass --metadata the reBEN metadata.parquet";
      throw new Ben19Error("E_MISSING_METADATA", "the metadata file does not exist", { file: m }, hint);
    }
    const s2 = folder && existsSync(join(root, V2_S2_FOLDER)) && !holdsTiles(root) ? join(root, V2_S2_FOLDER) : root;
    return v2(s2, m);
  }
  const hint = `pass --metadata FILE (the reBEN ${METADATA_FILE}), or -r the folder holding ${V2_S2_FOLDER}/ and it`;
  if (folder) {
    const m = join(root, METADATA_FILE);
    if (existsSync(m) && existsSync(join(root, V2_S2_FOLDER))) return v2(join(root, V2_S2_FOLDER), m);
    if (holdsTiles(root)) {
      const message = "the folder holds reBEN (v2.0) tile folders but no metadata was given";
      throw new Ben19Error("E_MISSING_METADATA", message, { file: root }, hint);
    }
    return { version: 1, root };
  }
  if (tarballKind(root) === "tar.zst") {
    const m = join(dirname(root), METADATA_FILE);
    if (existsSync(m)) return v2(root, m);
    const message = "a .tar.zst is a reBEN (v2.0) archive, whose labels are in metadata.parquet: none beside it";
    throw new Ben19Error("E_MISSING_METADATA", message, { file: root }, hint);
  }
  return { version: 1, root };
}
