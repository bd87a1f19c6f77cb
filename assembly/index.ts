// The ABI of the ben19 WASM core: every export is listed here (placeholder until the kernels land).
import { BAND_COUNT } from "../src/core/constants";

/** Number of bands per patch, so hosts can check they talk to a matching core. */
export function bandCount(): i32 {
  return BAND_COUNT;
}
