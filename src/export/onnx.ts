// A saved ben19 model → an ONNX file: the network's graph (onnx-graph.ts) and ben19.json as metadata_props, so
// the file alone says how to preprocess (layout, band order, z-score statistics, resampling), the class names
// and the threshold. Metadata keys: `ben19.json` (the whole file) and, for convenience, `model`, `layout`,
// `input_layout` (always NHWC), `inputs`, `normalization`, `resample`, `classes` (JSON) and `threshold`.
import { writeFileAtomic } from "../core/atomic.js";
import { PROBABILITIES } from "../models/head.js";
import type { LoadedModel } from "../models/io.js";
import { METADATA_FILE, type ModelMetadata } from "../models/metadata.js";
import { onnxGraph } from "./onnx-graph.js";
import { encodeModel } from "./onnx-proto.js";

export const INPUT_LAYOUT = "NHWC";

/** The metadata_props of a model with metadata `meta` whose ONNX inputs are named `inputNames`. */
export function onnxMetadata(meta: ModelMetadata, inputNames: readonly string[]): Record<string, string> {
  return {
    [METADATA_FILE]: JSON.stringify(meta),
    model: meta.model,
    layout: meta.layout,
    input_layout: INPUT_LAYOUT,
    inputs: JSON.stringify(meta.inputs.map((input, k) => ({ ...input, onnxName: inputNames[k] }))),
    normalization: JSON.stringify(meta.normalization),
    resample: meta.resample,
    classes: JSON.stringify(meta.classes),
    threshold: String(meta.threshold),
  };
}

/** The ONNX file of a loaded model, as bytes. */
export function exportOnnx(loaded: LoadedModel): Uint8Array {
  const { model, meta } = loaded;
  const graph = onnxGraph(model, PROBABILITIES);
  const shapes = meta.inputs.map((i) => `${i.name} [batch, ${i.shape.join(", ")}] (${i.bands.join(", ")})`).join("; ");
  return encodeModel({
    graphName: meta.model,
    ...graph,
    producerVersion: meta.tool.version,
    doc: `ben19 ${meta.model}: NHWC float32 inputs, each band z-scored with the metadata's statistics: ${shapes}. `
      + `Outputs: probabilities (sigmoid) and logits, [batch, ${meta.classes.length}].`,
    metadata: onnxMetadata(meta, graph.inputs.map((i) => i.name)),
  });
}

/** Writes the ONNX file of `loaded` to `path` (under a temporary name, then renamed); returns its size. */
export function writeOnnx(loaded: LoadedModel, path: string): number {
  const bytes = exportOnnx(loaded);
  writeFileAtomic(path, bytes);
  return bytes.byteLength;
}
