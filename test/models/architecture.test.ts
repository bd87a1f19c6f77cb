// Parameter and layer counts of the six networks, derived by hand from the architectures (the derivation is the
// code below, written from the issue text / TF-Slim, independent of src/models), against the built models.
import assert from "node:assert/strict";
import { test } from "node:test";
import { selectBackend } from "../../src/runtime/backend.js";
import { MODEL_NAMES, MODELS, modelSize } from "../../src/models/registry.js";

// Building blocks: a k×k convolution cin→cout with bias; without bias; batch norm (γ, β trainable; moving mean
// and variance not); a dense layer with bias.
const conv = (k: number, cin: number, cout: number): number => k * k * cin * cout + cout;
const convNoBias = (k: number, cin: number, cout: number): number => k * k * cin * cout;
const bn = (c: number): number => 4 * c;
const dense = (i: number, o: number): number => i * o + o;

interface Count { params: number; frozen: number; layers: number }

function kbranch(): Count {
  // 10 m: 120 → pool → 60 → pool → 30; conv 5×5·32, 5×5·32, 3×3·64; flatten 30·30·64 → dense 128.
  const b10 = conv(5, 4, 32) + bn(32) + conv(5, 32, 32) + bn(32) + conv(3, 32, 64) + bn(64) + dense(30 * 30 * 64, 128) + bn(128);
  // 20 m: 60 → pool → 30; conv 3×3·32, 3×3·32, 3×3·64; flatten 30·30·64.
  const b20 = conv(3, 6, 32) + bn(32) + conv(3, 32, 32) + bn(32) + conv(3, 32, 64) + bn(64) + dense(30 * 30 * 64, 128) + bn(128);
  // 60 m: no pooling, three 2×2·32 convolutions on 20×20; flatten 20·20·32.
  const b60 = conv(2, 2, 32) + bn(32) + conv(2, 32, 32) + bn(32) + conv(2, 32, 32) + bn(32) + dense(20 * 20 * 32, 128) + bn(128);
  const fusion = dense(3 * 128, 128) + bn(128) + dense(128, 19);
  const bnChannels = (32 + 32 + 64 + 128) * 2 + (32 * 3 + 128) + 128;
  // Layers: 3 inputs; per block conv|dense + bn + relu = 3; 10 m: 4 blocks, 2 pools, 4 dropouts, flatten = 19;
  // 20 m: 4 blocks, 1 pool, 4 dropouts, flatten = 18; 60 m: 4 blocks, 4 dropouts, flatten = 17;
  // fusion: concat, dense block (3), 2 dropouts, logits, sigmoid = 8.
  return { params: b10 + b20 + b60 + fusion, frozen: 2 * bnChannels, layers: 3 + 19 + 18 + 17 + 8 };
}

function vgg(blocks: number[]): Count {
  const widths = [64, 128, 256, 512, 512];
  let params = 0;
  let cin = 10;
  blocks.forEach((n, b) => {
    for (let i = 0; i < n; i++) {
      params += conv(3, cin, widths[b] as number);
      cin = widths[b] as number;
    }
  });
  params += conv(7, 512, 4096) + conv(1, 4096, 4096) + dense(4096, 19);
  const convs = blocks.reduce((a, b) => a + b, 0);
  // Layers: input, convolutions, 5 pools, fc6, dropout, fc7, global pool, dropout, fc8, sigmoid.
  return { params, frozen: 0, layers: 1 + convs + 5 + 7 };
}

function resnet(units: number[]): Count {
  let params = convNoBias(7, 10, 64) + bn(64);
  let frozen = 2 * 64;
  let layers = 1 + 5; // input; root: pad, conv, bn, relu, max-pool
  let din = 64;
  units.forEach((n, b) => {
    const base = [64, 128, 256, 512][b] as number;
    for (let u = 1; u <= n; u++) {
      const strided = u === n && b < 3;
      params += convNoBias(1, din, base) + bn(base) + convNoBias(3, base, base) + bn(base) + convNoBias(1, base, 4 * base) + bn(4 * base);
      frozen += 2 * (base + base + 4 * base);
      layers += 3 + 3 + 2 + 2 + (strided ? 1 : 0); // conv1 block, conv2 block (+ pad), conv3 + bn, add, relu
      if (din !== 4 * base) {
        params += convNoBias(1, din, 4 * base) + bn(4 * base);
        frozen += 2 * 4 * base;
        layers += 2;
      } else if (strided) layers += 1; // identity shortcut subsampled by a 1×1 max-pool
      din = 4 * base;
    }
  });
  params += dense(2048, 19);
  return { params, frozen, layers: layers + 3 }; // global pool, logits, sigmoid
}

const EXPECTED: Record<(typeof MODEL_NAMES)[number], () => Count> = {
  kbranch,
  vgg16: () => vgg([2, 2, 3, 3, 3]),
  vgg19: () => vgg([2, 2, 4, 4, 4]),
  resnet50: () => resnet([3, 4, 6, 3]),
  resnet101: () => resnet([3, 4, 23, 3]),
  resnet152: () => resnet([3, 8, 36, 3]),
};

test("every model's parameter, trainable-parameter and layer counts equal the hand derivation", async () => {
  await selectBackend("cpu");
  for (const name of MODEL_NAMES) {
    const model = MODELS[name].build(1);
    const got = modelSize(model);
    const want = EXPECTED[name]();
    assert.deepEqual(got, { params: want.params, trainable: want.params - want.frozen, layers: want.layers }, name);
    model.dispose();
  }
});

test("output shapes: 19 probabilities; ResNet spatial sizes follow Slim (30 → 15 → 8 → 4 → 4)", async () => {
  await selectBackend("cpu");
  const r = MODELS.resnet50.build(1);
  assert.deepEqual(r.outputs[0]?.shape, [null, 19]);
  const side = (layer: string): unknown => (r.getLayer(layer).output as { shape: unknown[] }).shape.slice(1, 3);
  assert.deepEqual(side("pool1"), [30, 30]);
  assert.deepEqual(side("block1_unit3_out"), [15, 15]);
  assert.deepEqual(side("block2_unit4_out"), [8, 8]);
  assert.deepEqual(side("block3_unit6_out"), [4, 4]);
  assert.deepEqual(side("block4_unit3_out"), [4, 4]);
  r.dispose();
  const k = MODELS.kbranch.build(1);
  assert.deepEqual(k.inputs.map((i) => i.shape), [[null, 120, 120, 4], [null, 60, 60, 6], [null, 20, 20, 2]]);
  k.dispose();
});
