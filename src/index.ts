// The ben19 library: typed, silent functions that return data. The CLI (src/cli) is the only part that prints.
export { VERSION } from "./core/version.js";
export * from "./core/errors.js";
export * as constants from "./core/constants.js";
export { MetricAccumulator, formatMetricsTable, metricsToJSON, type Metrics } from "./training/metrics/index.js";
