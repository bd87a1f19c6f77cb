// `ben19 import-tf1` end to end for the large networks at batch 1 (see test/helpers/import-check.ts): VGG16
// (134M values, mostly fc6) and ResNet152 (the deepest). VGG19 and ResNet101 differ from them only in unit
// counts, which the name-and-shape test in import-small.test.ts covers for all six; BEN19_IMPORT_ALL=1 runs the
// full check on them too (each costs about as much as VGG16 or ResNet152).
import assert from "node:assert/strict";
import { test } from "node:test";
import { checkImport } from "../helpers/import-check.js";

const ALL = process.env.BEN19_IMPORT_ALL === "1";
const EXTRA = ALL ? ([["vgg19", false], ["resnet101", false]] as const) : [];
const CASES = [["vgg16", true], ["resnet152", true], ...EXTRA] as const;

for (const [model, zip] of CASES) {
  const from = zip ? "zip" : "folder";
  test(`import-tf1 ${model} (${from}): weights equal the checkpoint's, logits equal the reference's`, async () => {
    const r = await checkImport(model, { zip, batch: 1, shards: model.startsWith("vgg") ? 3 : 1 });
    assert.ok(r.maxLogit > 0);
  });
}
