// Saving and loading a model folder: the tfjs layers format (model.json + weights.bin, loadable by
// tf.loadLayersModel in a browser) plus ben19.json. Files are written under temporary names and renamed, the
// metadata last, so a folder with a ben19.json is always complete.
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ModelError } from "../core/errors.js";
import "./batchnorm-train.js"; // installs the closed-form training batch norm on tfjs-layers' class
import "./dropout.js"; // registers the custom layer class model.json refers to
import { checkMetadata, METADATA_FILE, type ModelMetadata } from "../contract/metadata.js";
import { tf, tfl } from "../runtime/tf.js";
import { writeFileDurable } from "../io/durable.js";

export const TOPOLOGY_FILE = "model.json";
export const WEIGHTS_FILE = "weights.bin";

function concat(data: ArrayBuffer | ArrayBuffer[]): Uint8Array {
  const parts = Array.isArray(data) ? data : [data];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(new Uint8Array(p), at);
    at += p.byteLength;
  }
  return out;
}

/** Writes `model` and `meta` into `dir` (created if missing). */
export async function saveModel(model: tfl.LayersModel, meta: ModelMetadata, dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  await model.save(tf.io.withSaveHandler(async (a) => {
    writeFileDurable(join(dir, WEIGHTS_FILE), concat(a.weightData ?? []));
    writeFileDurable(join(dir, TOPOLOGY_FILE), JSON.stringify({
      format: "layers-model",
      generatedBy: `ben19 ${meta.tool.version}`,
      convertedBy: null,
      modelTopology: a.modelTopology,
      weightsManifest: [{ paths: [WEIGHTS_FILE], weights: a.weightSpecs }],
    }));
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
  }));
  writeFileDurable(join(dir, METADATA_FILE), `${JSON.stringify(meta, null, 2)}\n`);
}

export interface LoadedModel {
  model: tfl.LayersModel;
  meta: ModelMetadata;
  dir: string;
}

/** The model folder for `path`: a training run folder (its model/ sub-folder) or a model folder itself. */
export function modelDir(path: string): string {
  const inner = existsSync(join(path, "model", METADATA_FILE)) && !existsSync(join(path, METADATA_FILE));
  return inner ? join(path, "model") : path;
}

/**
 * Loads a model folder written by saveModel (or a training run folder holding one in model/); a missing file or
 * inconsistent metadata is a ModelError.
 */
export async function loadModel(path: string): Promise<LoadedModel> {
  const dir = modelDir(path);
  for (const f of [TOPOLOGY_FILE, WEIGHTS_FILE, METADATA_FILE]) {
    if (!existsSync(join(dir, f))) {
      throw new ModelError("E_MODEL_FILE", `missing ${f}`, { file: join(dir, f) },
        "pass the folder `ben19 train` wrote (RUN/model or RUN), which holds model.json, weights.bin and ben19.json");
    }
  }
  let topology: { modelTopology: object; weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[] };
  let metaJson: unknown;
  try {
    topology = JSON.parse(readFileSync(join(dir, TOPOLOGY_FILE), "utf8")) as typeof topology;
    metaJson = JSON.parse(readFileSync(join(dir, METADATA_FILE), "utf8"));
  } catch (e) {
    throw new ModelError("E_MODEL_FILE", `unreadable JSON: ${(e as Error).message}`, { file: dir });
  }
  const bin = readFileSync(join(dir, WEIGHTS_FILE));
  const weightData = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength);
  const model = await tfl.loadLayersModel(tf.io.fromMemory({
    modelTopology: topology.modelTopology,
    weightSpecs: topology.weightsManifest.flatMap((m) => m.weights),
    weightData,
  }));
  const meta = checkMetadata(metaJson, join(dir, METADATA_FILE), model.inputs.map((i) => i.shape));
  if (model.name !== meta.model) {
    throw new ModelError("E_MODEL_METADATA",
      `${METADATA_FILE} says model "${meta.model}" but ${TOPOLOGY_FILE} holds "${model.name}"`,
      { file: dir }, "the two files come from different models: restore the pair `ben19 train` wrote");
  }
  return { model, meta, dir };
}
