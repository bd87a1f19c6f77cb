// The library API to the end: `ben19` exports train, evaluate, predict and loadModel with their defaults, and
// the library's errors reach the caller as named errors (here: a folder that is no model).
import assert from "node:assert/strict";
import { test } from "node:test";
import * as ben19 from "../src/index.js";
import { tempDir } from "./helpers/fixtures.js";

test("ben19 exports train, evaluate, predict and loadModel, and evaluate names a missing model file", async () => {
  for (const f of [ben19.train, ben19.evaluate, ben19.predict, ben19.loadModel, ben19.selectBackend]) assert.equal(typeof f, "function");
  assert.deepEqual({ ...ben19.TRAIN_DEFAULTS }, {
    epochs: 1, lr: 1e-3, seed: 42, backend: "auto", resample: "tf1-bicubic", shuffleBuffer: 2000, checkpointEvery: 0, resume: false,
  });
  assert.equal(ben19.EVAL_DEFAULTS.batchSize, 64);
  assert.equal(ben19.PREDICT_DEFAULTS.batchSize, 32);
  await assert.rejects(ben19.evaluate({ model: tempDir(), data: [] }), (e: unknown) => e instanceof ben19.ModelError && e.code === "E_MODEL_FILE");
});
