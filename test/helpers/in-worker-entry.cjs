// The worker thread's entry for in-worker.ts. CommonJS on purpose, like piscina's own entry: on Node 20 the
// parent's `--import tsx` gives worker threads tsx's require hook but not its import hook, so the module under
// test is loaded with require, as piscina loads prep's worker. The call comes as a message and workerData stays
// unset, as in piscina's workers (geotiff.js's web-worker dependency once crashed on exactly that).
const { parentPort } = require("node:worker_threads");
const { fileURLToPath } = require("node:url");

parentPort.once("message", (call) => {
  Promise.resolve()
    .then(() => require(fileURLToPath(call.module))[call.fn](...call.args))
    .then(
      (value) => parentPort.postMessage({ ok: true, value }),
      // Structured clone keeps an Error's message but not its class: send what the tests look at.
      (e) => parentPort.postMessage({ ok: false, error: { name: e?.name, code: e?.code, message: e?.message, place: e?.place } }),
    );
});
