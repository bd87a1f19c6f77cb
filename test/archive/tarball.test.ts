import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { partnerRoot } from "../../src/archive/s1-root.js";
import { tarballKind } from "../../src/archive/tarball.js";
import { OptionError } from "../../src/core/errors.js";
import { inputKind } from "../../src/prep/input.js";
import { tempDir } from "../helpers/fixtures.js";

test("tarballKind: each suffix, any case, and what is not a tarball", () => {
  const known: [string, string | undefined][] = [
    ["a/BigEarthNet-v1.0.tar", "tar"], ["x.TAR", "tar"], ["x.tar.gz", "tar.gz"], ["x.tgz", "tar.gz"],
    ["x.Tar.Gz", "tar.gz"], ["x.tar.zst", "tar.zst"], ["x.TAR.ZST", "tar.zst"],
    ["x.gz", undefined], ["x.zst", undefined], ["x.tar.bz2", undefined], ["tar", undefined], ["x.tarx", undefined],
  ];
  for (const [path, kind] of known) assert.equal(tarballKind(path), kind, path);
});

test("the S2 root and the partner roots agree on every tarball suffix", () => {
  const dir = tempDir("tarball-kind");
  for (const name of ["a.tar", "b.TGZ", "c.tar.gz", "d.tar.zst"]) {
    const file = join(dir, name);
    writeFileSync(file, "");
    const kind = inputKind(file);
    assert.equal(kind, tarballKind(name));
    // A partner root takes exactly the uncompressed .tar and refuses the compressed kinds, naming the way on.
    if (kind === "tar") assert.deepEqual(partnerRoot("--s1", file), { path: file, tar: true });
    else {
      const refused = (e: unknown): boolean => e instanceof OptionError && /decompress/.test(e.message);
      assert.throws(() => partnerRoot("--s1", file), refused);
    }
  }
});
