// `ben19 import-tf1` end to end for K-BranchCNN (from a deflated zip, as published) and ResNet50 (an extracted
// folder, two data shards): see test/helpers/import-check.ts for what is checked.
import assert from "node:assert/strict";
import { test } from "node:test";
import { checkImport } from "../helpers/import-check.js";

test("import-tf1 K-BranchCNN from a zip: weights equal the checkpoint's, logits equal the reference's", async () => {
  const r = await checkImport("kbranch", { zip: true, batch: 2 });
  assert.ok(r.maxLogit > 0);
});

test("import-tf1 ResNet50 from a folder with two data shards: weights and logits", async () => {
  const r = await checkImport("resnet50", { zip: false, batch: 1, shards: 2 });
  assert.ok(r.maxLogit > 0);
});
