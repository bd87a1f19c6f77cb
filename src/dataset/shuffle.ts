// TensorFlow's shuffle buffer (tf.data.Dataset.shuffle): fill a buffer of `size` elements; then each output is a
// uniformly chosen slot, refilled with the next input; at the end the remaining elements leave in random order.
// Memory is `size` elements however long the stream; size ≤ 1 passes the stream through unchanged.
import type { RandomBelow } from "./random.js";

export async function* shuffleBuffer<T>(source: AsyncIterable<T>, size: number, below: RandomBelow): AsyncGenerator<T> {
  if (size <= 1) {
    yield* source;
    return;
  }
  const buf: T[] = [];
  for await (const x of source) {
    if (buf.length < size) {
      buf.push(x);
      continue;
    }
    const j = below(size);
    const out = buf[j] as T;
    buf[j] = x;
    yield out;
  }
  while (buf.length > 0) {
    const j = below(buf.length);
    const out = buf[j] as T;
    buf[j] = buf[buf.length - 1] as T;
    buf.pop();
    yield out;
  }
}
