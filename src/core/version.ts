// The tool version, recorded in manifests and model metadata. Kept in step with package.json by a test.
export const VERSION = "0.1.0";
