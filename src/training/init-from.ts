// `train --init MODEL`: start training (fine-tuning) from the weights of a model folder — one `train` wrote, or
// one `import-tf1` made from the reference's published checkpoints — instead of random ones. Checked before the
// run folder is touched; the weights are copied by name and shape.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { OptionError } from "../core/errors.js";
import { loadModel, modelDir } from "../models/io.js";
import { METADATA_FILE } from "../contract/metadata.js";
import type { ModelName } from "../models/registry.js";
import type { tfl } from "../runtime/tf.js";

/** Checks that `path` is a model folder of network `model` (reads its ben19.json only). */
export function checkInit(path: string, model: ModelName): void {
  const file = join(modelDir(path), METADATA_FILE);
  if (!existsSync(file)) {
    throw new OptionError("init", path,
      `expected a model folder with ${METADATA_FILE} (from ben19 train or ben19 import-tf1)`);
  }
  let meta: { model?: unknown };
  try {
    meta = JSON.parse(readFileSync(file, "utf8")) as { model?: unknown };
  } catch {
    throw new OptionError("init", path, `${METADATA_FILE} is not valid JSON`);
  }
  if (meta.model !== model) {
    const found = String(meta.model);
    throw new OptionError("init", path, `holds a ${found} model, not ${model}: pass --model ${found}`);
  }
}

/** Copies the weights of the model folder at `path` into `model` (same network: names and shapes match). */
export async function initFrom(model: tfl.LayersModel, path: string): Promise<void> {
  const src = await loadModel(path);
  try {
    const byName = new Map(src.model.weights.map((w) => [w.originalName, w]));
    for (const w of model.weights) {
      const s = byName.get(w.originalName);
      if (s === undefined || JSON.stringify(s.shape) !== JSON.stringify(w.shape)) {
        const want = `${w.originalName} ${JSON.stringify(w.shape)}`;
        throw new OptionError("init", path, `has no weight ${want}: it was saved by another network`);
      }
      w.write(s.read());
    }
  } finally {
    src.model.dispose();
  }
}
