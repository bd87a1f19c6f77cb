// `ben19 … | head` (issue #15/#16): when the reader of stdout goes away, the command ends quietly (EPIPE), with no
// stack trace and no "internal error". Runs the built CLI (bin/ben19.js, dist/) through a real shell pipe.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { test } from "node:test";
import { PROJECT_ROOT } from "../helpers/env.js";
import { synthFixture } from "../helpers/fixtures.js";

test("EPIPE on stdout ends the command quietly: `prep --check … | head -1`", async () => {
  const s = await synthFixture(60);
  // The bundled train split (269k patches) against a 60-patch archive: ~20 MB of lines, far more than a pipe holds.
  const cmd = `'${process.execPath}' '${join(PROJECT_ROOT, "bin", "ben19.js")}' prep -r '${s.out}' --check | head -1; echo "status=\${PIPESTATUS[0]}" >&2`;
  const r = spawnSync("bash", ["-c", cmd], { cwd: PROJECT_ROOT, encoding: "utf8", maxBuffer: 1 << 20 });
  assert.match(r.stdout, /^train: S2\w+: the patch folder is missing\n$/);
  assert.doesNotMatch(r.stderr, /internal error|EPIPE|\n\s+at /);
  assert.match(r.stderr, /status=(0|1)\n/);
});
