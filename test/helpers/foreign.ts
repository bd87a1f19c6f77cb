// A TFRecord record of another schema, for tests of the errors users get from files ben19 did not write.
const varint = (n: number): number[] => {
  const o: number[] = [];
  for (; n > 127; n >>>= 7) o.push((n & 127) | 128);
  o.push(n);
  return o;
};
const field = (n: number, body: number[]): number[] => [(n << 3) | 2, ...varint(body.length), ...body];

/** A valid tf.train.Example that is not a BigEarthNet record: int64 features `image` [1, 2, 3] and `label` [4]. */
export function foreignExample(): Uint8Array {
  const entry = (key: string, values: number[]): number[] => field(1, [...field(1, [...Buffer.from(key)]), ...field(2, field(3, field(1, values.flatMap(varint))))]);
  return Uint8Array.from(field(1, [...entry("image", [1, 2, 3]), ...entry("label", [4])]));
}
