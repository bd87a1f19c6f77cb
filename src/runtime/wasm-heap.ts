// Writing a tensor's values in place on the wasm backend, for updates of weights too large to copy (VGG's fc6: 103 M
// weights, 411 MB). tfjs offers only assign(newTensor), which allocates a second copy on a heap that stops at 4 GB.
// The catch: the backend caches XNNPACK operators holding packed copies of a tensor's values, keyed by the tensor's
// id, and drops them only when the tensor is disposed. So after writing, the tensor is unregistered (dropping them)
// and registered again at the same memory: tfjs's own dispose path without freeing the memory.
import { tf } from "./tf.js";
import { wasmInternals, type HeapTensor, type WasmBackendInternals } from "./wasm-internals.js";

export interface InPlace {
  /** The tensor's float32 values in the backend's memory: write the new ones here, then call done(). */
  values: Float32Array;
  done(): void;
}

/** A view for writing `t` in place, or undefined where that is not possible (not wasm, not float32, shared data). */
export function writeInPlace(t: tf.Tensor): InPlace | undefined {
  if (tf.getBackend() !== "wasm" || t.dtype !== "float32") return undefined;
  const backend = wasmInternals(tf.backend());
  const data = backend.dataIdMap.get(t.dataId);
  if (data === undefined || data.refCount !== 1) return undefined;
  return {
    values: new Float32Array(backend.wasm.HEAPU8.buffer, data.memoryOffset, t.size),
    done: () => dropPackedCopies(backend, data, t.size),
  };
}

/** After a tensor's values were written in place: drops the XNNPACK operators (and their packed copies of the old
 * values) cached for it, keeping its memory. */
export function dropPackedCopies(backend: WasmBackendInternals, data: HeapTensor, size: number): void {
  backend.wasm.tfjs.disposeData(data.id);
  backend.wasm.tfjs.registerTensor(data.id, size, data.memoryOffset);
}

/** Bytes of the wasm backend's heap now (it grows, up to 4 GB), or undefined on another backend. */
export function wasmHeapBytes(): number | undefined {
  return tf.getBackend() === "wasm" ? wasmInternals(tf.backend()).wasm.HEAPU8.length : undefined;
}
