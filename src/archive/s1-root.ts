// The roots MM prep and verify read partners from: the Sentinel-1 archive (v1 `-r1`, reBEN `--s1`) and reBEN's
// reference maps, each a folder or an uncompressed .tar. A .tar is indexed once by patch folder (tar-index.ts, the
// S2 tar's rule) and each partner read at its offset; a .tar.gz or .tar.zst cannot be read at offsets and would
// need the S2 stream's order, so it is refused before any work with the way on (decompress it once, or extract it).
import { existsSync, statSync } from "node:fs";
import { OptionError } from "../core/errors.js";
import { dirSource, filesSource, labelFileName, type PatchFileSource } from "./patch.js";
import { referenceMapFileName } from "./reference-map.js";
import { s1BandFileName } from "./s1.js";
import { indexTarGroups, type TarIndex } from "./tar-index.js";
import { readTarPatch } from "./tar.js";
import { tarballKind } from "./tarball.js";
import { S1_BANDS } from "../tfrecord/mm-schema.js";

export type PartnerKind = "s1-v1" | "s1-v2" | "reference-map";

/** The file names a partner folder holds: VV, VH (and the v1 label JSON), or the reference map. */
export function partnerFileNames(kind: PartnerKind, name: string): Set<string> {
  if (kind === "reference-map") return new Set([referenceMapFileName(name)]);
  const bands = S1_BANDS.map((b) => s1BandFileName(name, b));
  return new Set(kind === "s1-v1" ? [...bands, labelFileName(name)] : bands);
}

/** A partner root as given: a folder, or a .tar (then `tar` is true). Throws a named error for anything else. */
export function partnerRoot(option: string, path: string): { path: string; tar: boolean } {
  const what = "expected a folder or an uncompressed .tar";
  if (!existsSync(path)) throw new OptionError(option, path, `does not exist (${what})`);
  if (statSync(path).isDirectory()) return { path, tar: false };
  const kind = tarballKind(path);
  if (kind === "tar.gz" || kind === "tar.zst") {
    const how = kind === "tar.zst" ? `zstd -d ${path}` : `gunzip -k ${path}`;
    const why = `is compressed, and its partners cannot be read at offsets: decompress it once to a .tar (${how})`;
    throw new OptionError(option, path, `${why} and pass that, or extract it and pass the folder`);
  }
  if (kind === "tar") return { path, tar: true };
  throw new OptionError(option, path, `${what} (e.g. BigEarthNet-S1-v1.0 or BigEarthNet-S1-v1.0.tar)`);
}

/** The index of a partner .tar: the `wanted` partners' folders (every folder when undefined). */
export function indexPartnerTar(file: string, kind: PartnerKind, wanted?: Iterable<string>): TarIndex {
  return indexTarGroups(file, wanted, { files: (name) => partnerFileNames(kind, name) });
}

/**
 * The files of partner `name`: in folder `dir`, or, with `tar`, at its byte range in that .tar (null: not in it;
 * `option` then names where it was looked for).
 */
export function partnerSource(name: string, dir: string,
  tar?: { file: string; range: readonly [number, number] | null; option: string }): PatchFileSource {
  if (tar === undefined) return dirSource(dir, name);
  const r = tar.range;
  return filesSource(name, r === null ? undefined : readTarPatch(tar.file, name, r[0], r[1]), tar.file, tar.option);
}
