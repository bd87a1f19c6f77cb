// readPatch's `reuse` (prep's workers): the bands are decoded into the thread's own arrays, so a run of patches of
// varying layouts reads as fresh reads do, with no pixel of an earlier patch left over.
import assert from "node:assert/strict";
import { test } from "node:test";
import { readPatch } from "../../src/archive/patch.js";
import { synthFixture } from "../helpers/fixtures.js";

test("readPatch with reuse: a mixed-layout run reads as fresh reads do, into the thread's arrays", async () => {
  const s = await synthFixture(12, 5, "mixed");
  const root = s.out;
  let first: Uint16Array[] | undefined;
  for (const name of s.patches) {
    const fresh = await readPatch(root, name);
    const reused = await readPatch(root, name, { reuse: true });
    assert.deepEqual(reused.bands, fresh.bands, name);
    assert.deepEqual(reused.labels43, fresh.labels43, name);
    first ??= reused.bands;
    // The same arrays every time: valid until the next read with reuse, as documented.
    reused.bands.forEach((b, i) => assert.equal(b, first?.[i], `${name} band ${i}`));
  }
  const again = await readPatch(root, s.patches[0] as string);
  assert.notDeepEqual(again.bands, first, "the reused arrays hold the last patch read, not the first");
});
