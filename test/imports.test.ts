// No import loops in src/ (type-only imports count: they tie the modules together just the same).
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { importLoops } from "../scripts/import-loops.mjs";
import { tempDir } from "./helpers/fixtures.js";

test("src/ has no import loops", () => {
  assert.deepEqual(importLoops("src"), []);
});

test("a type-only loop of three files is found", () => {
  const dir = tempDir("loops");
  mkdirSync(join(dir, "a"));
  writeFileSync(join(dir, "a", "x.ts"), 'import type { Y } from "./y.js";\nexport type X = Y;\n');
  writeFileSync(join(dir, "a", "y.ts"), 'import type { Z } from "../z.js";\nexport type Y = Z;\n');
  writeFileSync(join(dir, "z.ts"), 'import type { X } from "./a/x.js";\nexport type Z = X | 1;\n');
  writeFileSync(join(dir, "w.ts"), 'import type { X } from "./a/x.js";\nexport type W = X;\n');
  assert.deepEqual(importLoops(dir), [["a/x.ts", "a/y.ts", "z.ts"]]);
});
