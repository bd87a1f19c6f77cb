// A model folder from `ben19 train` in the browser: tfjs (global `tf`, from the bundles index.html loads) with the
// wasm backend, or the cpu one when WebAssembly SIMD is unavailable. Each patch is preprocessed exactly as
// `ben19 predict` does, by the same function (buildInput: z-score, then resample with the WASM core) and with the
// layout, statistics and resampling method of the model's ben19.json.
import { buildInput, checkMetadata } from "ben19/browser";

const tf = globalThis.tf;

/**
 * ben19's dropout layer (src/models/dropout.ts) under the class name model.json records. At inference dropout is
 * the identity, so the page needs only this stand-in to rebuild the network.
 */
class SeededDropout extends tf.layers.Layer {
  static className = "Ben19SeededDropout";

  constructor(args) {
    super(args);
    this.rate = args.rate;
    this.seed = args.seed;
  }

  call(inputs) {
    return Array.isArray(inputs) ? inputs[0] : inputs;
  }

  getConfig() {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed };
  }
}
tf.serialization.registerClass(SeededDropout);

let backend;
/** The tfjs backend in use: wasm (its .wasm files served from /vendor/), else cpu. */
export function initBackend() {
  backend ??= (async () => {
    try {
      tf.wasm.setWasmPaths(new URL("/vendor/", location.href).href);
      if (await tf.setBackend("wasm")) return "wasm";
    } catch {
      // fall through to cpu
    }
    await tf.setBackend("cpu");
    return "cpu";
  })();
  return backend;
}

/** ben19's own loader check (the same function as `ben19 predict`'s): a mismatch would give silently wrong results. */
function checkModel(meta, model, where) {
  try {
    return checkMetadata(meta, where, model.inputs.map((i) => i.shape));
  } catch (e) {
    throw new Error(e.describe?.() ?? String(e));
  }
}

/** @returns {Promise<{ model, meta, from: string } | null>} the server's model (ben19 serve --model), or null. */
export async function loadServerModel() {
  const res = await fetch("/model/ben19.json");
  if (res.status === 404) return null;
  if (!res.ok) throw new Error(`the server's model: HTTP ${res.status}`);
  const meta = await res.json();
  await initBackend();
  const model = await tf.loadLayersModel("/model/model.json");
  checkModel(meta, model, "the server's ben19.json");
  return { model, meta, from: "the server" };
}

/** A model from the three picked files of a model folder. */
export async function loadModelFiles(files) {
  const byName = new Map([...files].map((f) => [f.name, f]));
  const missing = ["model.json", "weights.bin", "ben19.json"].filter((n) => !byName.has(n));
  if (missing.length > 0) throw new Error(`pick all three files of the model folder: ${missing.join(", ")} missing`);
  const meta = JSON.parse(await byName.get("ben19.json").text());
  await initBackend();
  const model = await tf.loadLayersModel(tf.io.browserFiles([byName.get("model.json"), byName.get("weights.bin")]));
  checkModel(meta, model, "ben19.json");
  return { model, meta, from: "your files" };
}

/** The 19 class probabilities of one patch (bands in archive order), in class order. */
export async function predictBands(core, loaded, bands, s1) {
  const { model, meta } = loaded;
  const how = { layout: meta.layout, resample: meta.resample, stats: meta.normalization.stats };
  const inputs = buildInput(core, bands, how, s1 ?? undefined);
  const xs = inputs.map((t) => tf.tensor4d(t.data, [1, ...t.shape]));
  const out = model.predict(xs);
  const probs = Array.from(await out.data());
  tf.dispose([out, ...xs]);
  return probs;
}
