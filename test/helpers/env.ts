// Where tests find outside truth: ../shared (real patches, golden files) and GDAL. On a user's fresh clone
// these may be missing, so such tests skip with a message; in CI (BEN19_CI=1) a missing one is a failure.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { TestContext } from "node:test";

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
/** ../shared/bigearthnet beside the project root (override with BEN19_SHARED). */
export const SHARED_DIR = process.env.BEN19_SHARED ?? join(PROJECT_ROOT, "..", "shared", "bigearthnet");
const IN_CI = process.env.BEN19_CI === "1";

function unavailable(t: TestContext, what: string): false {
  if (IN_CI) throw new Error(`${what} is required in CI (BEN19_CI=1) but is not available`);
  t.skip(`${what} not available: skipped (CI runs it)`);
  return false;
}

/** True when ../shared/bigearthnet is present; otherwise skips the test (or fails it in CI). */
export function needShared(t: TestContext): boolean {
  return existsSync(join(SHARED_DIR, "FACTS.md")) || unavailable(t, `../shared/bigearthnet (${SHARED_DIR})`);
}

/** True when the GDAL command-line tools are on PATH; otherwise skips the test (or fails it in CI). */
export function needGdal(t: TestContext): boolean {
  const ok = spawnSync("gdalinfo", ["--version"], { encoding: "utf8" }).status === 0;
  return ok || unavailable(t, "GDAL (gdalinfo, gdal_translate; Debian package gdal-bin)");
}

/** True when `missing` is undefined; otherwise skips the test (or fails it in CI) naming what is missing. */
export function need(t: TestContext, missing: string | undefined): boolean {
  return missing === undefined || unavailable(t, missing);
}
