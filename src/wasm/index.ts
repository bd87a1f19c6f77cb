// `ben19/wasm`: the WASM core alone, for browsers, bun, deno and Node. Nothing here imports a Node built-in.
export {
  createCore, RESAMPLE_METHODS, type Core, type DecodedPatch, type ExampleInput, type FeatureEntry, type FeatureKind,
  type ResampleMethod,
} from "./core.js";
export { ABI_VERSION, instantiateCore, type CoreExports, type CoreOptions, type WasmSource } from "./load.js";
export { SORTED_KEYS } from "./status.js";
export { BAND_NAMES, BAND_PIXELS, BAND_SIDES } from "../core/bands.js";
export { LABELS_19, LABELS_43 } from "../labels/nomenclature.js";
