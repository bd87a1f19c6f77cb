// Runs a tensor op on one backend and returns its float32 output as raw bits (so −0 and NaN compare exactly).
import { tf } from "../../src/runtime/tf.js";

export async function opBits(
  backend: string, values: Float32Array, shape: number[], op: (x: tf.Tensor) => tf.Tensor,
): Promise<{ bits: Uint32Array; shape: number[] }> {
  await tf.setBackend(backend);
  const x = tf.tensor(values, shape);
  const y = op(x);
  const bits = new Uint32Array((await y.data<"float32">()).slice().buffer);
  const out = { bits, shape: [...y.shape] };
  tf.dispose([x, y]);
  return out;
}
