// The reference's evaluation metrics (FACTS.md): a streaming accumulator, the names, and their presentation.
export { MetricAccumulator, type ClassCounts } from "./accumulate.js";
export { formatMetricsTable, metricsToJSON } from "./format.js";
export {
  F_BETAS,
  MACRO_KINDS,
  MICRO_METRICS,
  SAMPLE_METRICS,
  classCount,
  classMetric,
  macroAvgKey,
  macroKey,
  type MacroKind,
  type Metrics,
  type MicroMetricName,
  type SampleMetricName,
} from "./names.js";
export { fBeta } from "./sample.js";
