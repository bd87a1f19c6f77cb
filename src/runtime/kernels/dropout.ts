// tf.dropout with a seed, on the wasm backend in one pass of ben19's SIMD module (assembly/train/dropout.ts), bit for
// bit: tfjs-core draws the noise value by value in JavaScript (seedrandom's Alea, ~15 ns each: 10 M values per
// K-BranchCNN step at batch 32), copies it into the backend and runs four tensor ops over it, all on the main thread
// while the backend's pool waits. Here Alea is seeded as seedrandom seeds it (Mash over the seed's decimal string)
// and its state handed to the module. Other backends, and wasm without the module, keep tf.dropout.
import type { KernelBackend, KernelConfig, KernelFunc, Tensor, TensorInfo } from "@tensorflow/tfjs-core";
import { trainKernels } from "../simd/train-module.js";
import { tf } from "../tf.js";
import { heapOffset, wasmInternals } from "../wasm-internals.js";

/** Our kernel's name: outputs [y, mask]. */
export const DROPOUT = "Ben19Dropout";

/** seedrandom's Mash (lib/alea.js): hashes a string into [0, 1), keeping its running state between calls. */
function mash(): (data: string) => number {
  let n = 0xefc8249d;
  return (data) => {
    for (let i = 0; i < data.length; i++) {
      n += data.charCodeAt(i);
      let h = 0.02519603282416938 * n;
      n = h >>> 0;
      h -= n;
      h *= n;
      n = h >>> 0;
      h -= n;
      n += h * 0x100000000;
    }
    return (n >>> 0) * 2.3283064365386963e-10;
  };
}

/** Alea's state right after seedrandom.alea(seed) (lib/alea.js), as [s0, s1, s2, c]. */
export function aleaState(seed: string): [number, number, number, number] {
  const m = mash();
  const s = [m(" "), m(" "), m(" ")] as [number, number, number];
  for (let i = 0; i < 3; i++) {
    s[i] = (s[i] as number) - m(seed);
    if ((s[i] as number) < 0) s[i] = (s[i] as number) + 1;
  }
  return [...s, 1];
}

interface Args {
  inputs: { x: TensorInfo };
  backend: KernelBackend;
  attrs: { seed: string; keep: number };
}

function dropoutKernel({ inputs: { x }, backend, attrs }: Args): TensorInfo[] {
  const kernels = trainKernels(backend);
  if (kernels === undefined) throw new Error(`${DROPOUT} needs ben19's SIMD training module`);
  const heap = wasmInternals(backend);
  const y = heap.makeOutput([...x.shape], "float32");
  const mask = heap.makeOutput([...x.shape], "float32");
  const [s0, s1, s2, c] = aleaState(attrs.seed);
  kernels.dropout(heapOffset(heap, x), heapOffset(heap, y), heapOffset(heap, mask), tf.util.sizeFromShape(x.shape),
    s0, s1, s2, c, Math.fround(attrs.keep));
  return [y, mask];
}

export const dropoutKernelConfig = (backendName: string): KernelConfig => ({
  kernelName: DROPOUT,
  backendName,
  kernelFunc: dropoutKernel as unknown as KernelFunc,
});

/** tf.dropout(x, rate, undefined, seed), through our kernel where it runs; its gradient is dy·mask, which is
 * what tfjs's Multiply gradient gives for the same mask. */
export function seededDropout(x: Tensor, rate: number, seed: number): Tensor {
  const fused = tf.getBackend() === "wasm" && x.dtype === "float32" && rate > 0 && rate < 1
    && trainKernels(tf.backend()) !== undefined;
  if (!fused) return tf.dropout(x, rate, undefined, seed);
  const f = tf.customGrad((...args: (Tensor | tf.GradSaveFunc)[]) => {
    const [input, save] = args as [Tensor, tf.GradSaveFunc];
    const [y, mask] = tf.engine().runKernel(DROPOUT, { x: input },
      { seed: String(seed), keep: 1 - rate }) as unknown as [Tensor, Tensor];
    save([mask]);
    return { value: y, gradFunc: (dy: Tensor, saved: Tensor[]) => tf.mul(dy, saved[0] as Tensor) };
  });
  return f(x) as Tensor;
}
