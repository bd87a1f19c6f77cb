// ONNX's protobuf messages as ben19 writes them. Field numbers are those of onnx/onnx.proto (the official
// schema, proto2, stable since IR version 3): ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto,
// ValueInfoProto, TypeProto.Tensor, TensorShapeProto, OperatorSetIdProto, StringStringEntryProto.
import { endianness } from "node:os";
import { Message } from "./protobuf.js";

/** IR version 8 (ONNX 1.10+): every ONNX Runtime since 1.10 reads it. */
export const IR_VERSION = 8;
/** The default-domain operator set the graph is written against. */
export const OPSET = 17;

/** TensorProto.DataType */
export const FLOAT = 1;
export const INT64 = 7;

/** AttributeProto.AttributeType */
const ATTR = { FLOAT: 1, INT: 2, STRING: 3, INTS: 7 } as const;

export type AttributeValue = number | string | readonly number[] | { float: number };

export interface OnnxNode {
  op: string;
  inputs: readonly string[];
  outputs: readonly string[];
  name: string;
  attributes?: Readonly<Record<string, AttributeValue>>;
}

export interface OnnxInitializer {
  name: string;
  dims: readonly number[];
  data: Float32Array | BigInt64Array;
}

/** A graph input or output: float32, its dims (a string is a symbolic dimension, e.g. the batch). */
export interface OnnxValue {
  name: string;
  dims: readonly (number | string)[];
  doc?: string;
}

export interface OnnxModel {
  graphName: string;
  nodes: readonly OnnxNode[];
  initializers: readonly OnnxInitializer[];
  inputs: readonly OnnxValue[];
  outputs: readonly OnnxValue[];
  producerVersion: string;
  doc: string;
  metadata: Readonly<Record<string, string>>;
}

function attribute(name: string, v: AttributeValue): Message {
  const m = new Message().string(1, name);
  if (typeof v === "string") return m.int(20, ATTR.STRING).string(4, v);
  if (typeof v === "number") return m.int(20, ATTR.INT).int(3, v);
  if ("float" in v) return m.int(20, ATTR.FLOAT).float(2, v.float);
  // INTS is a non-packed repeated int64 in proto2: one tag per element.
  m.int(20, ATTR.INTS);
  for (const i of v) m.int(8, i);
  return m;
}

function node(n: OnnxNode): Message {
  const m = new Message();
  for (const i of n.inputs) m.string(1, i);
  for (const o of n.outputs) m.string(2, o);
  m.string(3, n.name).string(4, n.op);
  for (const [k, v] of Object.entries(n.attributes ?? {})) m.message(5, attribute(k, v));
  return m;
}

/** The little-endian bytes of `data`, as raw_data must hold them. */
function littleEndian(data: Float32Array | BigInt64Array): Uint8Array {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (endianness() === "LE") return bytes;
  const out = new Uint8Array(bytes.byteLength);
  const w = data.BYTES_PER_ELEMENT;
  for (let i = 0; i < bytes.byteLength; i += w) for (let j = 0; j < w; j++) out[i + j] = bytes[i + w - 1 - j] as number;
  return out;
}

function tensor(t: OnnxInitializer): Message {
  const m = new Message();
  for (const d of t.dims) m.int(1, d);
  return m.int(2, t.data instanceof Float32Array ? FLOAT : INT64).string(8, t.name).bytes(9, littleEndian(t.data));
}

function valueInfo(v: OnnxValue): Message {
  const shape = new Message();
  // TensorShapeProto.Dimension: dim_value = 1 or dim_param = 2 (a symbolic dimension).
  for (const d of v.dims) {
    shape.message(1, typeof d === "string" ? new Message().string(2, d) : new Message().int(1, d));
  }
  const tensorType = new Message().int(1, FLOAT).message(2, shape);
  const m = new Message().string(1, v.name).message(2, new Message().message(1, tensorType));
  return v.doc === undefined ? m : m.string(3, v.doc);
}

/** The serialized ModelProto. */
export function encodeModel(model: OnnxModel): Uint8Array {
  const graph = new Message();
  for (const n of model.nodes) graph.message(1, node(n));
  graph.string(2, model.graphName);
  for (const t of model.initializers) graph.message(5, tensor(t));
  for (const v of model.inputs) graph.message(11, valueInfo(v));
  for (const v of model.outputs) graph.message(12, valueInfo(v));
  const m = new Message()
    .int(1, IR_VERSION)
    .string(2, "ben19")
    .string(3, model.producerVersion)
    .string(6, model.doc)
    .message(7, graph)
    .message(8, new Message().string(1, "").int(2, OPSET));
  for (const [key, value] of Object.entries(model.metadata)) {
    m.message(14, new Message().string(1, key).string(2, value));
  }
  return m.toBytes();
}
