// `ben19/browser`: everything a page needs to read a patch, encode the record prep writes, check a model's
// ben19.json and preprocess a patch for it exactly as `ben19 predict` does. The web demo (web/) imports only this
// entry. Nothing here imports a Node built-in (test/web/entry.test.ts checks the whole import graph).
export * from "./wasm/index.js";
export { BAND_INDEX, type BandName } from "./core/bands.js";
export { REFERENCE_STATS, type BandStat, type BandStats } from "./core/stats.js";
export { Ben19Error, ModelError, PatchError } from "./core/errors.js";
export { labels43ToIndices, multiHot19, names19 } from "./labels/convert.js";
export { checkBand, parseTiff, type BandPlace, type SampleKind, type TiffInfo } from "./archive/tiff.js";
export { canDecode, decodeBand, decodeFloat32Band } from "./archive/tiff-blocks.js";
export {
  DEFAULT_RESAMPLE, inputSpecs, LAYOUTS, type InputSpec, type LayoutName, type LayoutTensor,
} from "./contract/layouts.js";
export { isModelName, MODEL_LAYOUTS, MODEL_NAMES, type ModelName } from "./contract/models.js";
export { checkMetadata, makeMetadata, METADATA_FILE, type ModelMetadata } from "./contract/metadata.js";
export { buildInput, type InputOptions, type PatchTensor } from "./dataset/input.js";
