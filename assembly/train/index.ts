// ben19's training kernels for the tfjs wasm backend, compiled with SIMD and run on the backend's own memory (it
// imports it): the host passes byte offsets of the backend's tensors (their `memoryOffset`), and the kernels read
// and write there, so nothing is copied. The module owns no memory: no static data, no allocation (`--runtime
// stub`, and nothing here allocates), so instantiating it writes nothing into the backend's heap. It runs on the
// main thread between the backend's kernels, while the backend's pool threads wait, so plain (non-atomic) accesses
// are safe on the threaded build's shared memory too. docs/wasm-abi.md lists the exports.
export { adam } from "./adam";
export { batchNormGradDx, batchNormGradSums } from "./batchnorm-grad";
export { dropout } from "./dropout";
export { maxPoolGrad } from "./max-pool-grad";
export { reluGrad } from "./relu-grad";
export { swapAxes } from "./transpose";

/** ABI version: bumped whenever an export changes meaning. */
export function trainAbiVersion(): i32 {
  return 4;
}
