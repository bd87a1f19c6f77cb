// Our wasm training kernels (Conv2DBackpropFilter, Conv2DBackpropInput, BatchMatMul, _FusedMatMul, Identity,
// MaxPoolGrad (with and without our SIMD module), Sum, Mean) and
// the broadcasting FusedBatchNorm gradient, against tfjs's cpu backend on random shapes: strides 1–3, same/valid padding, odd and even kernels.
import assert from "node:assert/strict";
import { test } from "node:test";
import "@tensorflow/tfjs-backend-cpu";
import { selectBackend } from "../../src/runtime/backend.js";
import { leadingAxes } from "../../src/runtime/kernels/reduce.js";
import { disableTrainKernels } from "../../src/runtime/simd/train-module.js";
import { tf } from "../../src/runtime/tf.js";
import { writeInPlace } from "../../src/runtime/wasm-heap.js";

/** Largest |a−b| relative to the largest |b| (a scale-aware relative error for whole tensors). */
function relError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs((a[i] as number) - (b[i] as number)));
    scale = Math.max(scale, Math.abs(b[i] as number));
  }
  return scale === 0 ? diff : diff / scale;
}

/** A small deterministic PRNG for the shapes (mulberry32). */
function rng(seed: number): (lo: number, hi: number) => number {
  let a = seed >>> 0;
  return (lo, hi) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return lo + Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * (hi - lo + 1));
  };
}

/** dx and dW of sum(conv2d(x, w) · dy) on the given backend. */
async function convGrads(backend: string, x: tf.Tensor4D, w: tf.Tensor4D, dy: tf.Tensor, stride: number, pad: "same" | "valid") {
  await tf.setBackend(backend);
  const f = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, pad), dy)));
  const [gx, gw] = f([x, w]);
  const out = [await (gx as tf.Tensor).data(), await (gw as tf.Tensor).data()];
  tf.dispose([gx, gw]);
  return out;
}

interface ConvCase { x: [number, number, number, number]; w: [number, number, number, number]; stride: number; pad: "same" | "valid" }

/** 40 random shapes (the first six 1×1: ResNet's pointwise path) and three with a filter far larger than the input
 * (the im2col path, as VGG's fc6: 7×7 on a 3×3 map). */
function convCases(): ConvCase[] {
  const r = rng(19);
  const cases: ConvCase[] = [];
  for (let i = 0; i < 40; i++) {
    const k = i < 6 ? 1 : r(1, 5);
    const kw = i < 6 ? 1 : r(0, 3) === 0 ? r(1, 5) : k; // mostly square kernels, some not
    const c = r(1, 5);
    cases.push({ x: [r(1, 3), r(Math.max(k, kw), 13), r(Math.max(k, kw), 13), c], w: [k, kw, c, r(1, 6)], stride: r(1, 3), pad: r(0, 1) === 0 ? "same" : "valid" });
  }
  cases.push({ x: [2, 3, 3, 8], w: [7, 7, 8, 64], stride: 1, pad: "same" });
  cases.push({ x: [1, 6, 6, 4], w: [4, 4, 4, 40], stride: 1, pad: "valid" });
  cases.push({ x: [2, 4, 5, 6], w: [3, 2, 6, 90], stride: 1, pad: "same" });
  return cases;
}

test("wasm Conv2DBackpropFilter and Conv2DBackpropInput equal the cpu backend on 43 shapes (≤ 1e-4 relative)", async () => {
  const info = await selectBackend("wasm");
  assert.equal(info.name, "wasm");
  for (const [i, c] of convCases().entries()) {
    const x = tf.randomUniform(c.x, -1, 1, "float32", i) as tf.Tensor4D;
    const w = tf.randomUniform(c.w, -1, 1, "float32", 100 + i) as tf.Tensor4D;
    const y = tf.conv2d(x, w, c.stride, c.pad);
    const dy = tf.randomUniform(y.shape, -1, 1, "float32", 200 + i);
    const [wx, ww] = await convGrads("wasm", x, w, dy, c.stride, c.pad);
    const [cx, cw] = await convGrads("cpu", x, w, dy, c.stride, c.pad);
    const where = `x ${c.x.join("×")}, w ${c.w.join("×")}, stride ${c.stride}, ${c.pad}`;
    assert.ok(relError(wx as Float32Array, cx as Float32Array) <= 1e-4, `dx differs: ${where}`);
    assert.ok(relError(ww as Float32Array, cw as Float32Array) <= 1e-4, `dW differs: ${where}`);
    tf.dispose([x, w, y, dy]);
  }
});

test("the FusedBatchNorm gradient equals autodiff through the textbook formula (x, scale, offset; wasm and cpu)", async () => {
  for (const backend of ["wasm", "cpu"] as const) {
    await selectBackend(backend);
    const x = tf.randomNormal([3, 5, 4, 6], 1, 2, "float32", 7);
    const dy = tf.randomNormal([3, 5, 4, 6], 0, 1, "float32", 8);
    const gamma = tf.randomNormal([6], 1, 0.3, "float32", 9);
    const beta = tf.randomNormal([6], 0, 0.3, "float32", 10);
    // Training-mode batch norm: statistics of the batch itself, so gradients flow through mean and variance too.
    const fused = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor): tf.Tensor => {
      const { mean, variance } = tf.moments(a, [0, 1, 2]);
      return tf.sum(tf.mul(tf.batchNorm(a, mean, variance, b, g, 1e-3), dy));
    };
    const textbook = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor): tf.Tensor => {
      const { mean, variance } = tf.moments(a, [0, 1, 2]);
      const norm = tf.div(tf.sub(a, mean), tf.sqrt(tf.add(variance, 1e-3)));
      return tf.sum(tf.mul(tf.add(tf.mul(norm, g), b), dy));
    };
    const ours = tf.grads(fused)([x, gamma, beta]);
    const truth = tf.grads(textbook)([x, gamma, beta]);
    for (let i = 0; i < 3; i++) {
      const e = relError(await (ours[i] as tf.Tensor).data(), await (truth[i] as tf.Tensor).data());
      assert.ok(e <= 1e-4, `${backend}: gradient ${["x", "scale", "offset"][i]} differs by ${e}`);
    }
    tf.dispose([x, dy, gamma, beta, ...ours, ...truth]);
  }
});

test("backend selection: cpu and wasm load by name; auto reports what it skipped and why", async () => {
  const cpu = await selectBackend("cpu");
  assert.equal(cpu.name, "cpu");
  assert.equal(tf.getBackend(), "cpu");
  const auto = await selectBackend("auto");
  assert.notEqual(auto.name, "cpu", "auto must prefer wasm (or node) to cpu");
  for (const s of auto.skipped) assert.ok(s.reason.length > 0, `skipped ${s.name} without a reason`);
  assert.equal(tf.getBackend(), auto.tfjsName);
});

test("wasm BatchMatMul and _FusedMatMul (ours: 1×1 convolutions, explicit transposes) equal the cpu backend",
  async () => {
    await selectBackend("wasm");
    const r = rng(7);
    const activations = ["linear", "relu", "relu6", "elu", "sigmoid", "leakyrelu"] as const;
    for (let i = 0; i < 40; i++) {
      const [m, k, n] = [r(1, 40), r(1, 300), r(1, 40)];
      const batch = i % 3 === 0 ? [r(1, 3)] : [];
      const ta = r(0, 1) === 1;
      const tb = r(0, 1) === 1;
      // Every other case is a fused product: a bias (or none) and an activation, as dense layers run.
      const fused = i % 2 === 1;
      const activation = activations[r(0, 5)] as (typeof activations)[number];
      const a = tf.randomUniform([...batch, ...(ta ? [k, m] : [m, k])], -1, 1, "float32", i);
      const b = tf.randomUniform([...batch, ...(tb ? [n, k] : [k, n])], -1, 1, "float32", 50 + i);
      const bias = r(0, 3) === 0 ? undefined : tf.randomUniform([n], -1, 1, "float32", 90 + i);
      const results: Float32Array[] = [];
      for (const backend of ["wasm", "cpu"]) {
        await tf.setBackend(backend);
        const c = fused
          ? tf.fused.matMul({
            a, b, transposeA: ta, transposeB: tb, activation, ...(bias === undefined ? {} : { bias }),
          })
          : tf.matMul(a, b, ta, tb);
        results.push((await c.data()) as Float32Array);
        c.dispose();
      }
      const e = relError(results[0] as Float32Array, results[1] as Float32Array);
      const what = fused ? `fused matMul (${activation}, ${bias === undefined ? "no " : ""}bias)` : "matMul";
      assert.ok(e <= 1e-4, `${what} ${a.shape}×${b.shape} transposeA=${ta} transposeB=${tb}: error ${e}`);
      tf.dispose([a, b, ...(bias === undefined ? [] : [bias])]);
      await tf.setBackend("wasm");
    }
  });

test("wasm dense product with large weights: unpacked while recording gradients, packed otherwise; right after writes",
  async () => {
    await selectBackend("wasm");
    const [m, k, n] = [6, 700, 200]; // b: 140,000 values, past the threshold and over twice a's size
    const a = tf.randomUniform([m, k], -1, 1, "float32", 1);
    const init = tf.randomUniform([k, n], -1, 1, "float32", 2);
    const w = tf.variable(init, true, "dense_weights");
    init.dispose();
    const bias = tf.randomUniform([n], -1, 1, "float32", 3);
    // relu(a·w + bias) in float64, from the tensors' current values.
    const expected = async (): Promise<Float64Array> => {
      const [av, wv, bv] = [await a.data(), await w.data(), await bias.data()];
      const c = new Float64Array(m * n);
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          let sum = bv[j] as number;
          for (let p = 0; p < k; p++) sum += (av[i * k + p] as number) * (wv[p * n + j] as number);
          c[i * n + j] = Math.max(sum, 0);
        }
      }
      return c;
    };
    const check = async (round: string): Promise<void> => {
      const want = await expected();
      const c = tf.fused.matMul({ a, b: w, bias, activation: "relu" });
      let recorded: tf.Tensor | undefined;
      // The same product inside gradient recording (a training step's forward pass): the unpacked form.
      tf.grad((x: tf.Tensor) => {
        const y = tf.fused.matMul({ a: x as tf.Tensor2D, b: w, bias, activation: "relu" });
        recorded = tf.keep(y.clone());
        return tf.sum(y);
      })(a).dispose();
      for (const [form, t] of [["packed", c], ["unpacked", recorded as tf.Tensor]] as const) {
        const e = relError(await t.data(), want);
        assert.ok(e <= 1e-5, `${round}, ${form}: error ${e}`);
      }
      tf.dispose([c, recorded as tf.Tensor]);
    };
    for (const round of ["first use", "second use", "third use"]) await check(round);
    const view = writeInPlace(w);
    assert.ok(view !== undefined, "the weights can be written in place");
    for (let i = 0; i < view.values.length; i++) view.values[i] = Math.cos(i);
    view.done();
    for (const round of ["after an in-place write", "again", "once more"]) await check(round);
    tf.dispose([a, w, bias]);
  });

test("wasm Identity (ours) shares the data: the clone reads the same, outlives its source, blocks in-place writes",
  async () => {
    await selectBackend("wasm");
    const x = tf.variable(tf.tensor([1, 2, 3, 4], [2, 2]), true, "identity_source");
    const c = tf.clone(x);
    assert.deepEqual(Array.from(await c.data()), [1, 2, 3, 4]);
    assert.equal(writeInPlace(x), undefined, "a tensor whose data a clone shares must not be written in place");
    const s = tf.clone(tf.tensor(["a", "b"]));
    assert.deepEqual(await s.data(), ["a", "b"], "string tensors are copied by the backend's own kernel");
    x.dispose();
    assert.deepEqual(Array.from(await c.data()), [1, 2, 3, 4], "the clone outlives its source");
    c.dispose();
    s.dispose();
  });

test("wasm MaxPoolGrad (ours: SIMD on the heap, JavaScript without it) equals the cpu backend, ReLU ties too",
  async () => {
    const r = rng(3);
    type Case = { size: number; stride: number; pad: "same" | "valid"; shape: [number, number, number, number] };
    const cases: Case[] = Array.from({ length: 16 }, () => {
      const size = r(2, 3);
      return { size, stride: r(1, 3), pad: r(0, 1) === 0 ? "same" : "valid",
        shape: [r(1, 3), r(size, 11), r(size, 11), r(1, 9)] };
    });
    // K-BranchCNN's poolings (2×2, stride 2; channels a multiple of 4) and odd channel counts past one vector.
    cases.push({ size: 2, stride: 2, pad: "valid", shape: [2, 20, 20, 32] });
    cases.push({ size: 2, stride: 2, pad: "same", shape: [1, 9, 7, 64] });
    cases.push({ size: 3, stride: 2, pad: "same", shape: [2, 8, 9, 13] });
    for (const [i, { size, stride, pad, shape }] of cases.entries()) {
      // Half the values are clipped to 0 by the ReLU, so many windows have tied maxima.
      const x = tf.relu(tf.randomUniform(shape, -1, 1, "float32", i + 1)) as tf.Tensor4D;
      const y = tf.maxPool(x, size, stride, pad);
      const dy = tf.randomUniform(y.shape, -1, 1, "float32", 30 + i);
      const results: Float32Array[] = [];
      for (const backend of ["wasm", "wasm-js", "cpu"]) {
        await selectBackend(backend === "cpu" ? "cpu" : "wasm");
        disableTrainKernels(backend === "wasm-js");
        const g = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(a as tf.Tensor4D, size, stride, pad), dy)))(x);
        results.push((await g.data()) as Float32Array);
        g.dispose();
        disableTrainKernels(false);
      }
      const [simd, js, cpu] = results as [Float32Array, Float32Array, Float32Array];
      const where = `pool ${size}, stride ${stride}, ${pad}, x ${shape.join("×")}`;
      assert.deepEqual(simd, js, `${where}: SIMD and JavaScript differ`);
      for (const [name, got] of [["SIMD", simd], ["JavaScript", js]] as const) {
        // The same positions receive gradient (the tie rule); overlapping windows may sum in another order.
        assert.deepEqual(Array.from(got, (v) => v !== 0), Array.from(cpu, (v) => v !== 0),
          `${where}: ${name} routed gradient elsewhere`);
        assert.ok(relError(got, cpu) <= 1e-6, `${where}: ${name} values differ`);
      }
      tf.dispose([x, y, dy]);
    }
  });

test("wasm ReLU gradient (ours: one SIMD pass; tfjs-core's without it) equals the cpu backend bit for bit", async () => {
  const r = rng(5);
  const shapes: number[][] = [[1], [3], [4], [7], [2, 5, 3], [32, 20, 20, 32], [3, 11, 13, 9]];
  for (const [i, shape] of shapes.entries()) {
    // Exact zeros (no gradient), negatives (−0 where dy < 0), and in the larger shapes a NaN x and non-finite dy.
    const n = shape.reduce((a, b) => a * b, 1);
    const xv = Float32Array.from({ length: n }, () => [0, -1.5, 2.25, r(-9, 9) / 7][r(0, 3)] as number);
    const dyv = Float32Array.from({ length: n }, () => r(-50, 50) / 9);
    if (n > 4) {
      xv[1] = Number.NaN;
      dyv[2] = Number.POSITIVE_INFINITY;
      dyv[3] = Number.NaN;
    }
    const results: number[][] = [];
    for (const backend of ["wasm", "wasm-tfjs", "cpu"]) {
      await selectBackend(backend === "cpu" ? "cpu" : "wasm");
      disableTrainKernels(backend === "wasm-tfjs");
      const [x, dy] = [tf.tensor(xv, shape), tf.tensor(dyv, shape)];
      const g = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.relu(a), dy)))(x);
      results.push(Array.from(await g.data()));
      tf.dispose([x, dy, g]);
      disableTrainKernels(false);
    }
    const [ours, tfjs, cpu] = results as [number[], number[], number[]];
    assert.deepEqual(ours, cpu, `shape ${shape.join("×")} (${i}): ours`);
    assert.deepEqual(tfjs, cpu, `shape ${shape.join("×")} (${i}): tfjs-core's on wasm`);
  }
});

test("wasm Sum and Mean (ours over leading axes, the backend's otherwise) equal the cpu backend", async () => {
  assert.equal(leadingAxes([2, 0, 1], [4, 5, 6, 7]), 3);
  assert.equal(leadingAxes(-4, [4, 5, 6, 7]), 1);
  assert.equal(leadingAxes([0, 2], [4, 5, 6, 7]), 0);
  assert.equal(leadingAxes([0, 1, 2, 3], [4, 5, 6, 7]), 0, "a full reduction is not a per-channel one");
  const r = rng(11);
  // Large enough for the pooling path (≥ 32,768 elements; block counts 16, 17, 21, 16), and one whose row count
  // (1,031, prime) has no block count, so it is summed in JS.
  const large = [[4, 30, 30, 16], [5, 17, 3, 129], [7, 7, 9, 11, 9], [12, 60, 50], [1031, 37]];
  for (let i = 0; i < 24 + large.length; i++) {
    const shape = large[i - 24] ?? Array.from({ length: r(2, 4) }, () => r(1, 12));
    // Mostly leading prefixes (ours), some trailing or scattered axes (the backend's), in any order and sign.
    const k = i >= 24 ? shape.length - 1 : r(1, shape.length - 1);
    const axis = i % 4 === 3 && i < 24
      ? [shape.length - 1]
      : Array.from({ length: k }, (_, a) => (r(0, 1) === 0 ? a : a - shape.length)).reverse();
    const keepDims = r(0, 1) === 1;
    const x = tf.randomUniform(shape, -1, 1, "float32", 90 + i);
    for (const op of ["sum", "mean"] as const) {
      const results: tf.Tensor[] = [];
      for (const backend of ["wasm", "cpu"]) {
        await tf.setBackend(backend);
        results.push(tf[op](x, axis, keepDims));
      }
      const [ours, cpu] = results as [tf.Tensor, tf.Tensor];
      const where = `${op} of ${shape.join("×")} over ${axis.join(",")}${keepDims ? ", keepDims" : ""}`;
      assert.deepEqual(ours.shape, cpu.shape, where);
      assert.ok(relError(await ours.data(), await cpu.data()) <= 1e-5, where);
      tf.dispose(results);
    }
    await tf.setBackend("wasm");
    x.dispose();
  }
});
