// The ben19 library: typed, silent functions that return data. The CLI (src/cli) is the only part that prints.
export { VERSION } from "./core/version.js";
export * from "./core/errors.js";
export * as constants from "./core/constants.js";
export { BAND_NAMES, BAND_PIXELS, BAND_SIDES, type BandName } from "./core/bands.js";
export { LABELS_19, LABELS_43, SOURCES_19, TARGET_19 } from "./labels/nomenclature.js";
export { labels43ToIndices, multiHot19, names19 } from "./labels/convert.js";
export { readPatch, readPatchDir, type PatchData, type PatchMetadata, type ReadPatchOptions } from "./archive/patch.js";
export { BUNDLED_LISTS, BUNDLED_SPLITS, readSplit, type Split } from "./archive/splits.js";
export { synthArchive, SYNTH_LAYOUTS, type SynthLayout, type SynthOptions, type SynthSummary } from "./synth/index.js";
export { createCore, type Core, type DecodedPatch, type ExampleInput, type FeatureEntry } from "./wasm/core.js";
export { readRecords, type RecordEntry } from "./tfrecord/reader.js";
export { TFRecordWriter } from "./tfrecord/writer.js";
export { prep, type PrepHooks, type PrepProgress, type PrepSummary } from "./prep/run.js";
export type { PrepOptions, OnError } from "./prep/options.js";
export type { PrepManifest } from "./prep/manifest.js";
export { mergeManifests, type MergeOptions, type MergeSummary } from "./prep/merge.js";
export type { Part } from "./prep/partition.js";
export { verify, type Problem, type VerifyOptions, type VerifyReport } from "./verify/verify.js";
export { MetricAccumulator, formatMetricsTable, metricsToJSON, type Metrics } from "./training/metrics/index.js";
export { createDataset, type Dataset, type EpochOptions } from "./dataset/dataset.js";
export type { DatasetOptions } from "./dataset/options.js";
export type { Batch, BatchInput } from "./dataset/batch.js";
export { batchToTensors, type BatchTensors } from "./dataset/tensors.js";
export { DEFAULT_RESAMPLE, inputSpecs, LAYOUTS, type InputSpec, type LayoutName } from "./contract/layouts.js";
export { checkMetadata, makeMetadata, METADATA_FILE, type ModelMetadata } from "./contract/metadata.js";
export { MODELS, MODEL_NAMES, isModelName, modelSize, type ModelName, type ModelSpec } from "./models/registry.js";
export { loadModel, saveModel, type LoadedModel } from "./models/io.js";
export {
  selectBackend, BACKEND_CHOICES, type BackendChoice, type BackendInfo, type BackendOptions,
} from "./runtime/backend.js";
export {
  train, TRAIN_DEFAULTS, type TrainHooks, type TrainInput, type TrainOptions, type TrainResult,
} from "./training/train.js";
export {
  evaluate, EVAL_DEFAULTS, type EvaluateOptions, type Evaluation, type ModelEvaluation,
} from "./training/evaluate.js";
export { predict, PREDICT_DEFAULTS, type Prediction, type PredictOptions } from "./training/predict.js";
