// ben19.json: what a saved model needs besides its weights so that evaluation and prediction preprocess exactly
// as training did (layout, band order, statistics, resampling, class names, threshold) and the training
// configuration that produced it. Loading checks it against the network and against ben19's own tables.
import { BAND_NAMES } from "../core/bands.js";
import { S1_BANDS } from "../tfrecord/mm-schema.js";
import { ModelError } from "../core/errors.js";
import { channelStat, type ChannelStats } from "../core/stats.js";
import { VERSION } from "../core/version.js";
import { LABELS_19 } from "../labels/nomenclature.js";
import { RESAMPLE_METHODS, type ResampleMethod } from "../wasm/core.js";
import { inputSpecs, layoutNeedsS1, type InputSpec, type LayoutName } from "./layouts.js";
import { isModelName, MODEL_INPUT_LAYOUTS, modelLayout, type ModelName } from "./models.js";

export const METADATA_FILE = "ben19.json";
export const METADATA_FORMAT = "ben19-model";
export const METADATA_VERSION = 1;

export interface ModelMetadata {
  format: typeof METADATA_FORMAT;
  format_version: number;
  model: ModelName;
  layout: LayoutName;
  /** One entry per model input, in the model's input order: NHWC shape without the batch and band order. */
  inputs: InputSpec[];
  /** Per channel statistics: the 12 S2 bands, and VV/VH when the layout takes them. */
  normalization: { method: "z-score"; stats: ChannelStats };
  resample: ResampleMethod;
  classes: string[];
  threshold: number;
  /** The training configuration (options, data, seed, steps), or null for an untrained model. */
  training: Record<string, unknown> | null;
  tool: { name: "ben19"; version: string };
}

export interface MetadataOptions {
  stats: ChannelStats;
  /** The input layout (default: the model's default; contract/models.ts lists what each network takes). */
  layout?: LayoutName | undefined;
  resample: ResampleMethod;
  threshold?: number;
  training?: Record<string, unknown> | null;
}

/** The metadata of a model of kind `model` preprocessed with `o`. */
export function makeMetadata(model: ModelName, o: MetadataOptions): ModelMetadata {
  const layout = modelLayout(model, o.layout);
  // The S1 statistics in force are written out, so that the model file alone says how its input was made.
  const stats = layoutNeedsS1(layout)
    ? { ...o.stats, VV: channelStat(o.stats, "VV"), VH: channelStat(o.stats, "VH") }
    : o.stats;
  return {
    format: METADATA_FORMAT,
    format_version: METADATA_VERSION,
    model,
    layout,
    inputs: inputSpecs(layout),
    normalization: { method: "z-score", stats },
    resample: o.resample,
    classes: [...LABELS_19],
    threshold: o.threshold ?? 0.5,
    training: o.training ?? null,
    tool: { name: "ben19", version: VERSION },
  };
}

/**
 * Checks parsed ben19.json against ben19's tables and the network's input shapes (`inputShapes`, NHWC without
 * the batch) and returns it typed; every inconsistency is a ModelError naming the field and the fix.
 */
export function checkMetadata(
  data: unknown, file: string, inputShapes: readonly (readonly (number | null)[])[],
): ModelMetadata {
  const bad = (what: string): never => {
    throw new ModelError("E_MODEL_METADATA", `${METADATA_FILE}: ${what}`, { file },
      "re-save the model with `ben19 train` (or restore its ben19.json); preprocessing must match training");
  };
  const m = (typeof data === "object" && data !== null ? data : bad("not a JSON object")) as Partial<ModelMetadata>;
  if (m.format !== METADATA_FORMAT) bad(`format is ${JSON.stringify(m.format)}, expected "${METADATA_FORMAT}"`);
  // ben19 0.1.0 wrote `formatVersion` before every JSON key became snake_case; such models still load.
  const version = m.format_version ?? (m as { formatVersion?: unknown }).formatVersion;
  if (version !== METADATA_VERSION) {
    bad(`format_version ${String(version)} is not supported (this ben19 reads ${METADATA_VERSION})`);
  }
  if (typeof m.model !== "string" || !isModelName(m.model)) bad(`unknown model ${JSON.stringify(m.model)}`);
  const layouts = MODEL_INPUT_LAYOUTS[m.model as ModelName] as readonly unknown[];
  if (!layouts.includes(m.layout)) {
    const names = layouts.map((l) => JSON.stringify(l)).join(" or ");
    bad(`layout ${JSON.stringify(m.layout)} does not match ${String(m.model)}'s input layout ${names}`);
  }
  const layout = m.layout as LayoutName;
  const expected = inputSpecs(layout);
  if (JSON.stringify(m.inputs) !== JSON.stringify(expected)) {
    bad(`inputs ${JSON.stringify(m.inputs)} differ from the ${layout} layout ${JSON.stringify(expected)}`);
  }
  const shapes = JSON.stringify(inputShapes.map((s) => s.slice(1)));
  if (shapes !== JSON.stringify(expected.map((i) => i.shape))) {
    bad(`the network's input shapes ${shapes} do not match the metadata`);
  }
  if (JSON.stringify(m.classes) !== JSON.stringify(LABELS_19)) {
    bad("classes differ from the 19-class nomenclature (names or order)");
  }
  const stats = m.normalization?.stats as Record<string, { mean?: unknown; std?: unknown }> | undefined;
  for (const b of layoutNeedsS1(layout) ? [...BAND_NAMES, ...S1_BANDS] : BAND_NAMES) {
    const s = stats?.[b];
    if (typeof s?.mean !== "number" || typeof s.std !== "number" || !(s.std > 0)) {
      bad(`normalization.stats.${b} must be {mean, std > 0}`);
    }
  }
  if (typeof m.resample !== "string" || !(m.resample in RESAMPLE_METHODS)) {
    bad(`resample ${JSON.stringify(m.resample)} is not one of ${Object.keys(RESAMPLE_METHODS).join(", ")}`);
  }
  if (typeof m.threshold !== "number" || !(m.threshold > 0 && m.threshold < 1)) {
    bad(`threshold ${JSON.stringify(m.threshold)} must be in (0, 1)`);
  }
  const { formatVersion: _legacy, ...rest } = m as Partial<ModelMetadata> & { formatVersion?: unknown };
  return { ...rest, format_version: METADATA_VERSION } as ModelMetadata;
}
