// TensorFlow's DataType enum (tensorflow/core/framework/types.proto) as a checkpoint stores it: the name shown
// by `ckpt list` and the bytes per element of the fixed-size types (strings and variants have none).
export const DTYPES: Readonly<Record<number, { name: string; bytes: number }>> = {
  1: { name: "float32", bytes: 4 },
  2: { name: "float64", bytes: 8 },
  3: { name: "int32", bytes: 4 },
  4: { name: "uint8", bytes: 1 },
  5: { name: "int16", bytes: 2 },
  6: { name: "int8", bytes: 1 },
  7: { name: "string", bytes: 0 },
  8: { name: "complex64", bytes: 8 },
  9: { name: "int64", bytes: 8 },
  10: { name: "bool", bytes: 1 },
  11: { name: "qint8", bytes: 1 },
  12: { name: "quint8", bytes: 1 },
  13: { name: "qint32", bytes: 4 },
  14: { name: "bfloat16", bytes: 2 },
  15: { name: "qint16", bytes: 2 },
  16: { name: "quint16", bytes: 2 },
  17: { name: "uint16", bytes: 2 },
  18: { name: "complex128", bytes: 16 },
  19: { name: "float16", bytes: 2 },
  20: { name: "resource", bytes: 0 },
  21: { name: "variant", bytes: 0 },
  22: { name: "uint32", bytes: 4 },
  23: { name: "uint64", bytes: 8 },
};

export const DT_FLOAT = 1;

export function dtypeName(dtype: number): string {
  return DTYPES[dtype]?.name ?? `dtype ${dtype}`;
}

/** Bytes per element, or 0 for variable-length and unknown types. */
export function dtypeBytes(dtype: number): number {
  return DTYPES[dtype]?.bytes ?? 0;
}
