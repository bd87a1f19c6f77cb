// MM prep with the S1 and reference-map roots as an uncompressed .tar, from the CLI through the pool: the same bytes
// as from folders, verify -r reading the partners from the same .tar; a .tar.gz partner root is a named error
// before any work; --check and the up-front check under --on-error fail name a missing S1 partner.
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { memoryIo } from "../../src/cli/io.js";
import { run } from "../../src/cli/index.js";
import { synthArchiveV2 } from "../../src/synth/v2.js";
import { test } from "node:test";
import { needShared, SHARED_DIR } from "../helpers/env.js";
import { tempDir } from "../helpers/fixtures.js";
import { patchEntries, writeTar, type TarInput } from "../helpers/tar.js";

const S1 = (): string => join(SHARED_DIR, "real-v1-s1");
const S2 = (): string => join(SHARED_DIR, "real-v1");

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = memoryIo();
  const code = await run(argv, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

async function ok(...argv: string[]): Promise<string> {
  const r = await cli(...argv);
  assert.equal(r.code, 0, `ben19 ${argv.join(" ")}\n${r.stderr}`);
  return r.stdout;
}

/** The MM CSV of the real pairs (each S1 JSON names its S2 partner). */
function pairsCsv(dir: string): string {
  const lines = readdirSync(S1()).map((s1) => {
    const meta = JSON.parse(readFileSync(join(S1(), s1, `${s1}_labels_metadata.json`), "utf8")) as
      { corresponding_s2_patch: string };
    return `${meta.corresponding_s2_patch},${s1}\n`;
  });
  const file = join(dir, "real.csv");
  writeFileSync(file, lines.join(""));
  return file;
}

/** Every file and folder under `dir`, as `<top>/<relative path>`, folders first. */
function treeEntries(dir: string, top: string): TarInput[] {
  const out: TarInput[] = [{ path: top }];
  for (const f of readdirSync(dir).sort()) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) out.push(...treeEntries(p, `${top}/${f}`));
    else out.push({ path: `${top}/${f}`, data: readFileSync(p) });
  }
  return out;
}

test("MM prep v1: S1 root as .tar = the folder's bytes; verify -r; .tar.gz refused; missing S1 named", async (t) => {
  if (!needShared(t)) return;
  const dir = tempDir();
  const csv = pairsCsv(dir);
  const s1Names = readdirSync(S1());
  const tar = join(dir, "s1.tar");
  writeFileSync(tar, writeTar(patchEntries(S1(), s1Names, "BigEarthNet-S1-v1.0")));
  const [fromDir, fromTar] = [join(dir, "dir"), join(dir, "tar")];
  await ok("prep", "-r1", S1(), "-r2", S2(), "-n", csv, "-o", fromDir, "--workers", "1", "--quiet");
  await ok("prep", "-r1", tar, "-r2", S2(), "-n", csv, "-o", fromTar, "--workers", "2", "--quiet");
  assert.deepEqual(readFileSync(join(fromTar, "real.tfrecord")), readFileSync(join(fromDir, "real.tfrecord")));
  assert.match(await ok("verify", fromTar, "-r", S2()), /OK: 6 records/);

  const gz = join(dir, "s1.tar.gz");
  writeFileSync(gz, gzipSync(readFileSync(tar)));
  const out = join(dir, "gz");
  const r = await cli("prep", "-r1", gz, "-r2", S2(), "-n", csv, "-o", out, "--quiet");
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /-r1\/--root_folder_s1.*s1\.tar\.gz.*compressed.*gunzip -k/s);
  assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
  assert.equal(existsSync(out), false, "nothing written");

  // One S1 partner left out of the .tar: --check names it (exit 1), and a run under fail stops before any work.
  const gone = s1Names[2] as string;
  const partial = join(dir, "partial.tar");
  writeFileSync(partial, writeTar(patchEntries(S1(), s1Names.filter((n) => n !== gone), "BigEarthNet-S1-v1.0")));
  const check = await cli("prep", "-r1", partial, "-r2", S2(), "-n", csv, "-o", join(dir, "c"), "--check");
  assert.equal(check.code, 1, check.stderr);
  assert.match(check.stdout, new RegExp(`real: \\S+: the folder of its S1 patch ${gone} is missing`));
  assert.match(check.stdout, /1 of 6 patches/);
  const failed = await cli("prep", "-r1", partial, "-r2", S2(), "-n", csv, "-o", join(dir, "f"), "--quiet");
  assert.notEqual(failed.code, 0);
  assert.match(failed.stderr, /found before any work/);
  assert.match(failed.stderr, new RegExp(`S1 patch ${gone}`));
});

test("MM prep v2 on synth: --s1 and --reference-maps as .tar give the folders' bytes; verify -r", async () => {
  const dir = tempDir();
  await synthArchiveV2({ out: dir, s1: join(dir, "BigEarthNet-S1"), referenceMaps: join(dir, "Reference_Maps"),
    patches: 8, seed: 7, layout: "lzw" });
  const s1Tar = join(dir, "s1.tar");
  const mapsTar = join(dir, "maps.tar");
  writeFileSync(s1Tar, writeTar(treeEntries(join(dir, "BigEarthNet-S1"), "BigEarthNet-S1")));
  writeFileSync(mapsTar, writeTar(treeEntries(join(dir, "Reference_Maps"), "Reference_Maps")));
  const [a, b] = [join(dir, "a"), join(dir, "b")];
  await ok("prep", "-r", dir, "--s1", dir, "--reference-maps", dir, "-o", a, "--workers", "1", "--quiet");
  await ok("prep", "-r", dir, "--s1", s1Tar, "--reference-maps", mapsTar, "-o", b, "--workers", "2", "--quiet");
  let n = 0;
  for (const f of readdirSync(a).filter((x) => x.endsWith(".tfrecord"))) {
    assert.deepEqual(readFileSync(join(b, f)), readFileSync(join(a, f)), f);
    n++;
  }
  assert.ok(n > 0);
  assert.match(await ok("verify", b, "-r", dir), /OK: \d+ records/);
});
