// ONNX export: every network, exported and run by ONNX Runtime, gives tfjs's outputs on the same inputs; the file
// passes ORT's checks at load (the graph is type- and shape-checked when the session is created); decoded with
// a protobuf schema of its own (the onnx.proto fields it reads), the file carries ben19.json as metadata_props.
import assert from "node:assert/strict";
import { test } from "node:test";
import protobuf from "protobufjs";
import { REFERENCE_STATS } from "../../src/core/stats.js";
import { BATCH_DIM, LOGITS } from "../../src/export/onnx-graph.js";
import { exportOnnx, onnxMetadata } from "../../src/export/onnx.js";
import { IR_VERSION, OPSET } from "../../src/export/onnx-proto.js";
import { OnnxRunner } from "../../src/export/onnx-runner.js";
import { selectBackend } from "../../src/models/backend.js";
import { PROBABILITIES } from "../../src/models/head.js";
import { makeMetadata, type ModelMetadata } from "../../src/models/metadata.js";
import { MODEL_NAMES, type ModelName } from "../../src/models/registry.js";
import { tf } from "../../src/models/tf.js";
import { logitsAndProbabilities, needOrt, randomInputs, testModel } from "../helpers/onnx.js";

/** The parts of onnx.proto (github.com/onnx/onnx, onnx/onnx.proto) this test reads, with its field numbers. */
const SCHEMA = `
syntax = "proto2";
package onnx;
message StringStringEntryProto { optional string key = 1; optional string value = 2; }
message OperatorSetIdProto { optional string domain = 1; optional int64 version = 2; }
message AttributeProto { optional string name = 1; optional int32 type = 20; optional float f = 2; optional int64 i = 3;
  optional bytes s = 4; repeated int64 ints = 8; }
message NodeProto { repeated string input = 1; repeated string output = 2; optional string name = 3;
  optional string op_type = 4; repeated AttributeProto attribute = 5; }
message TensorProto { repeated int64 dims = 1; optional int32 data_type = 2; optional string name = 8;
  optional bytes raw_data = 9; }
message TensorShapeProto { message Dimension { optional int64 dim_value = 1; optional string dim_param = 2; }
  repeated Dimension dim = 1; }
message TypeProto { message Tensor { optional int32 elem_type = 1; optional TensorShapeProto shape = 2; }
  optional Tensor tensor_type = 1; }
message ValueInfoProto { optional string name = 1; optional TypeProto type = 2; }
message GraphProto { repeated NodeProto node = 1; optional string name = 2; repeated TensorProto initializer = 5;
  repeated ValueInfoProto input = 11; repeated ValueInfoProto output = 12; }
message ModelProto { optional int64 ir_version = 1; optional string producer_name = 2; optional GraphProto graph = 7;
  repeated OperatorSetIdProto opset_import = 8; repeated StringStringEntryProto metadata_props = 14; }
`;

interface Dim {
  dimValue?: number;
  dimParam?: string;
}

interface Decoded {
  irVersion: number;
  producerName: string;
  opsetImport: { domain?: string; version: number }[];
  metadataProps: { key: string; value: string }[];
  graph: {
    node: { opType: string; input: string[]; output: string[] }[];
    initializer: { name: string; dims: number[]; dataType: number; rawData: Uint8Array }[];
    input: { name: string; type: { tensorType: { elemType: number; shape: { dim: Dim[] } } } }[];
    output: { name: string }[];
  };
}

function decode(bytes: Uint8Array): Decoded {
  const type = protobuf.parse(SCHEMA).root.lookupType("onnx.ModelProto");
  return type.toObject(type.decode(bytes), { longs: Number, defaults: false }) as Decoded;
}

const metaOf = (name: ModelName): ModelMetadata =>
  makeMetadata(name, { stats: REFERENCE_STATS, resample: "tf1-bicubic", threshold: 0.4 });

/** Max |a − b| and whether every |a − b| ≤ tol·(1 + |a|). */
function compare(a: Float32Array, b: Float32Array, tol: number): { max: number; ok: boolean } {
  assert.equal(b.length, a.length);
  let max = 0;
  let ok = true;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs((a[i] as number) - (b[i] as number));
    max = Math.max(max, d);
    if (!(d <= tol * (1 + Math.abs(a[i] as number)))) ok = false;
  }
  return { max, ok };
}

for (const name of MODEL_NAMES) {
  test(`${name}: ONNX Runtime gives tfjs's probabilities (≤ 1e-4) and logits on the same inputs`, async (t) => {
    if (!(await needOrt(t))) return;
    await selectBackend("wasm");
    // The big networks run one patch; K-BranchCNN three, to exercise the symbolic batch dimension.
    const n = name === "kbranch" ? 3 : 1;
    const xs = randomInputs(name, n, 17);
    const model = await testModel(name, 5, xs);
    const meta = metaOf(name);
    const [logits, probs] = await logitsAndProbabilities(model, xs);
    const data = xs.map((x) => x.dataSync() as Float32Array);
    tf.dispose(xs);
    const runner = await OnnxRunner.fromBytes(exportOnnx({ model, meta, dir: "" }), meta.inputs.map((i) => i.shape));
    model.dispose();
    const out = await runner.run(data, n);
    await runner.release();
    // Calibrated heads put most probabilities away from 0 and 1, where disagreeing would show.
    assert.ok(probs.filter((p) => p > 0.05 && p < 0.95).length >= probs.length / 3, `${name}: probabilities saturated`);
    const p = compare(probs, out.probabilities, 1e-4 / 2);
    assert.ok(p.max <= 1e-4, `${name}: probabilities differ by up to ${p.max}`);
    const z = compare(logits, out.logits, 1e-4);
    assert.ok(z.ok, `${name}: logits differ by up to ${z.max}`);
  });
}

test("the file: schema fields, NHWC inputs, symbolic batch, both outputs, folded batch norms, metadata", async () => {
  await selectBackend("wasm");
  const model = await testModel("kbranch", 2);
  const meta = metaOf("kbranch");
  const m = decode(exportOnnx({ model, meta, dir: "" }));
  assert.equal(m.irVersion, IR_VERSION);
  assert.equal(m.producerName, "ben19");
  assert.deepEqual(m.opsetImport.map((o) => [o.domain ?? "", o.version]), [["", OPSET]]);
  assert.ok(OPSET >= 13);
  const props = Object.fromEntries(m.metadataProps.map((p) => [p.key, p.value]));
  const inputNames = model.inputs.map((i) => i.name);
  assert.deepEqual(props, onnxMetadata(meta, inputNames));
  assert.deepEqual(JSON.parse(props["ben19.json"] as string), meta);
  assert.equal(props["input_layout"], "NHWC");
  assert.equal(props["threshold"], "0.4");
  assert.deepEqual(JSON.parse(props["classes"] as string), meta.classes);
  assert.deepEqual(JSON.parse(props["normalization"] as string), meta.normalization);
  const tensorType = (i: Decoded["graph"]["input"][number]) => i.type.tensorType;
  const dims = (i: Decoded["graph"]["input"][number]) => tensorType(i).shape.dim.map((d) => d.dimParam ?? d.dimValue);
  assert.deepEqual(m.graph.input.map((i) => [i.name, tensorType(i).elemType, dims(i)]),
    meta.inputs.map((i, k) => [inputNames[k], 1, [BATCH_DIM, ...i.shape]]));
  assert.deepEqual(m.graph.output.map((o) => o.name), [PROBABILITIES, LOGITS]);
  const ops = new Set(m.graph.node.map((n) => n.opType));
  assert.ok(!ops.has("BatchNormalization") && !ops.has("Mul"), `batch norms folded: ${[...ops].join(", ")}`);
  const layers = (cls: string) => model.layers.filter((l) => l.getClassName() === cls).length;
  const count = (op: string) => m.graph.node.filter((n) => n.opType === op).length;
  assert.equal(count("Conv"), layers("Conv2D"));
  assert.equal(count("Gemm"), layers("Dense"));
  assert.equal(count("Concat"), 1);
  // A weight and a bias per Conv and Gemm (batch norms folded in), as float32 raw data of the size their dims say.
  assert.equal(m.graph.initializer.length, 2 * (count("Conv") + count("Gemm")));
  for (const i of m.graph.initializer) {
    assert.equal(i.rawData.byteLength, 4 * i.dims.reduce((a, b) => a * b, 1), i.name);
  }
  model.dispose();
});
