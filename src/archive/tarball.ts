// Which kind of tarball a path names, by its suffix: the one rule the S2 root, the partner roots (S1, reference
// maps) and verify share, so that a suffix accepted in one place is never refused in another.

export type TarballKind = "tar" | "tar.gz" | "tar.zst";

/** The tarball kind of `path` by its suffix (case-insensitive), or undefined for anything else. */
export function tarballKind(path: string): TarballKind | undefined {
  if (/\.(tar\.gz|tgz)$/i.test(path)) return "tar.gz";
  if (/\.tar\.zst$/i.test(path)) return "tar.zst";
  if (/\.tar$/i.test(path)) return "tar";
  return undefined;
}
