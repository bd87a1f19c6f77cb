// Band resampling over float32 images in the SRC_F32 → DST_F32 regions.
// tf1-bicubic reproduces TensorFlow 1's resize_bicubic (align_corners=False, half_pixel_centers=False), which the
// reference models were trained with: source coordinate out·(in/out) in float32, weights from a 1025-entry table
// with a = −0.75 (computed in double, stored as float32), edge taps clamped, float32 sums down the 4 columns first,
// then across. bicubic is TF2's tf.image.resize (half-pixel centres, a = −0.5, taps outside the image dropped and
// the rest renormalised); bilinear is half-pixel; nearest is TF2's half-pixel rule, source floor((o + 0.5)·in/out).
import {
  MAX_RESAMPLE_SIDE, RESAMPLE_BICUBIC, RESAMPLE_BILINEAR, RESAMPLE_NEAREST, RESAMPLE_TF1_BICUBIC,
  STATUS_BAD_ARGUMENT, STATUS_OK,
} from "../src/core/constants";

/** Source image, float32, row-major. */
export const SRC_F32: usize = memory.data(MAX_RESAMPLE_SIDE * MAX_RESAMPLE_SIDE * 4, 16);
/** Destination image, float32, row-major. */
export const DST_F32: usize = memory.data(MAX_RESAMPLE_SIDE * MAX_RESAMPLE_SIDE * 4, 16);
/** Column pass scratch: one row of outW values per source row (outW × inH). */
const TMP: usize = memory.data(MAX_RESAMPLE_SIDE * MAX_RESAMPLE_SIDE * 4, 16);

const TABLE_SIZE: i32 = 1024;
const TF1_TABLE: usize = memory.data((TABLE_SIZE + 1) * 2 * 4, 16);
let tableReady = false;

function buildTable(): void {
  const a: f64 = -0.75;
  for (let i = 0; i <= TABLE_SIZE; i++) {
    let x: f64 = <f64>i / <f64>TABLE_SIZE;
    store<f32>(TF1_TABLE + (<usize>(i * 2) << 2), <f32>(((a + 2) * x - (a + 3)) * x * x + 1));
    x += 1.0;
    store<f32>(TF1_TABLE + (<usize>(i * 2 + 1) << 2), <f32>(((a * x - 5 * a) * x + 8 * a) * x - 4 * a));
  }
  tableReady = true;
}

// @ts-ignore: decorator
@inline function tab(i: i32): f32 {
  return load<f32>(TF1_TABLE + (<usize>i << 2));
}

// @ts-ignore: decorator
@inline function clampi(v: i32, n: i32): i32 {
  return v < 0 ? 0 : v >= n ? n - 1 : v;
}

/** Per-output-position taps (4 indices) and weights (4 floats) along one axis. */
const IDX: usize = memory.data(MAX_RESAMPLE_SIDE * 4 * 4, 16);
const WTS: usize = memory.data(MAX_RESAMPLE_SIDE * 4 * 4, 16);
/** Unnormalised float64 weights of the TF2 bicubic taps, before they are divided by their sum. */
const RAW: usize = memory.data(4 * 8, 16);

function cubic(x: f64, a: f64): f64 {
  x = Math.abs(x);
  if (x <= 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
  if (x < 2) return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a;
  return 0;
}

/** Fills IDX/WTS for an axis of `inN` → `outN` samples; returns the taps per output (4, 2 or 1). */
function axis(inN: i32, outN: i32, method: i32): i32 {
  const scale32: f32 = <f32>inN / <f32>outN;
  const scale: f64 = <f64>inN / <f64>outN;
  for (let o = 0; o < outN; o++) {
    const base = <usize>(o * 4);
    if (method == RESAMPLE_TF1_BICUBIC) {
      const src: f32 = <f32>o * scale32;
      const loc = <i32>Mathf.floor(src);
      const delta: f32 = src - <f32>loc;
      const off = <i32>nearest<f32>(delta * <f32>TABLE_SIZE); // lrintf: round half to even
      store<f32>(WTS + ((base + 0) << 2), tab(off * 2 + 1));
      store<f32>(WTS + ((base + 1) << 2), tab(off * 2));
      store<f32>(WTS + ((base + 2) << 2), tab((TABLE_SIZE - off) * 2));
      store<f32>(WTS + ((base + 3) << 2), tab((TABLE_SIZE - off) * 2 + 1));
      for (let k = 0; k < 4; k++) store<i32>(IDX + ((base + k) << 2), clampi(loc - 1 + k, inN));
    } else if (method == RESAMPLE_BICUBIC) {
      const src = (<f64>o + 0.5) * scale - 0.5;
      const loc = <i32>Math.floor(src);
      let sum: f64 = 0;
      for (let k = 0; k < 4; k++) {
        const i = loc - 1 + k;
        const w = i < 0 || i >= inN ? 0 : cubic(src - <f64>i, -0.5);
        sum += w;
        store<f64>(RAW + (<usize>k << 3), w);
      }
      for (let k = 0; k < 4; k++) {
        store<f32>(WTS + ((base + k) << 2), <f32>(load<f64>(RAW + (<usize>k << 3)) / sum));
        store<i32>(IDX + ((base + k) << 2), clampi(loc - 1 + k, inN));
      }
    } else if (method == RESAMPLE_BILINEAR) {
      const src = Math.max(0, (<f64>o + 0.5) * scale - 0.5);
      const loc = <i32>Math.floor(src);
      const f = <f32>(src - <f64>loc);
      store<i32>(IDX + (base << 2), clampi(loc, inN));
      store<i32>(IDX + ((base + 1) << 2), clampi(loc + 1, inN));
      store<f32>(WTS + (base << 2), 1 - f);
      store<f32>(WTS + ((base + 1) << 2), f);
    } else {
      store<i32>(IDX + (base << 2), clampi(<i32>Math.floor((<f64>o + 0.5) * scale), inN));
      store<f32>(WTS + (base << 2), 1);
    }
  }
  return method == RESAMPLE_BILINEAR ? 2 : method == RESAMPLE_NEAREST ? 1 : 4;
}

/**
 * Resamples the inH×inW float32 image in SRC_F32 to outH×outW in DST_F32 with `method`. Vertical pass first
 * (down each column, as TF1 does), then horizontal. Returns the status.
 */
export function resample(inH: i32, inW: i32, outH: i32, outW: i32, method: i32): i32 {
  if (inH < 1 || inW < 1 || outH < 1 || outW < 1) return STATUS_BAD_ARGUMENT;
  if (inH > MAX_RESAMPLE_SIDE || inW > MAX_RESAMPLE_SIDE) return STATUS_BAD_ARGUMENT;
  if (outH > MAX_RESAMPLE_SIDE || outW > MAX_RESAMPLE_SIDE) return STATUS_BAD_ARGUMENT;
  if (method < RESAMPLE_TF1_BICUBIC || method > RESAMPLE_NEAREST) return STATUS_BAD_ARGUMENT;
  if (!tableReady) buildTable();
  // Vertical: TMP[o][x] = Σ_k w_k · SRC[idx_k][x] for every source column x. Four columns at a time with SIMD:
  // each lane computes exactly the scalar expression ((0 + v0·w0) + v1·w1) + …, so the bits are the same.
  const taps = axis(inH, outH, method);
  const wide = inW & ~3;
  for (let o = 0; o < outH; o++) {
    const base = <usize>(o * 4);
    const row = TMP + (<usize>(o * inW) << 2);
    for (let x = 0; x < wide; x += 4) {
      let acc = f32x4.splat(0);
      for (let k = 0; k < taps; k++) {
        const r = load<i32>(IDX + ((base + <usize>k) << 2));
        const v = v128.load(SRC_F32 + (<usize>(r * inW + x) << 2));
        acc = f32x4.add(acc, f32x4.mul(v, f32x4.splat(load<f32>(WTS + ((base + <usize>k) << 2)))));
      }
      v128.store(row + (<usize>x << 2), acc);
    }
    for (let x = wide; x < inW; x++) {
      let s: f32 = 0;
      for (let k = 0; k < taps; k++) {
        const r = load<i32>(IDX + ((base + <usize>k) << 2));
        s += load<f32>(SRC_F32 + (<usize>(r * inW + x) << 2)) * load<f32>(WTS + ((base + <usize>k) << 2));
      }
      store<f32>(row + (<usize>x << 2), s);
    }
  }
  // Horizontal: DST[y][o] = Σ_k w_k · TMP[y][idx_k]. Output column by column, so each column's taps and weights
  // are read once into locals rather than once per pixel.
  axis(inW, outW, method);
  for (let o = 0; o < outW; o++) {
    const base = <usize>(o * 4);
    const c0 = <usize>load<i32>(IDX + (base << 2));
    const w0 = load<f32>(WTS + (base << 2));
    const c1 = taps > 1 ? <usize>load<i32>(IDX + ((base + 1) << 2)) : 0;
    const w1 = taps > 1 ? load<f32>(WTS + ((base + 1) << 2)) : 0;
    const c2 = taps > 2 ? <usize>load<i32>(IDX + ((base + 2) << 2)) : 0;
    const w2 = taps > 2 ? load<f32>(WTS + ((base + 2) << 2)) : 0;
    const c3 = taps > 2 ? <usize>load<i32>(IDX + ((base + 3) << 2)) : 0;
    const w3 = taps > 2 ? load<f32>(WTS + ((base + 3) << 2)) : 0;
    for (let y = 0; y < outH; y++) {
      const row = TMP + (<usize>(y * inW) << 2);
      let s: f32 = 0;
      s += load<f32>(row + (c0 << 2)) * w0;
      if (taps > 1) s += load<f32>(row + (c1 << 2)) * w1;
      if (taps > 2) {
        s += load<f32>(row + (c2 << 2)) * w2;
        s += load<f32>(row + (c3 << 2)) * w3;
      }
      store<f32>(DST_F32 + (<usize>(y * outW + o) << 2), s);
    }
  }
  return STATUS_OK;
}

/**
 * Z-scores n uint16 values at `src` into float32 at `dst`: (x − mean) / std in float64, rounded once to float32,
 * as the reference computes it.
 */
export function normalize(src: usize, n: i32, mean: f64, std: f64, dst: usize): i32 {
  if (n < 0 || !(std > 0)) return STATUS_BAD_ARGUMENT;
  const pairs = n & ~1;
  const m = f64x2.splat(mean);
  const s = f64x2.splat(std);
  for (let i = 0; i < pairs; i += 2) {
    store<u64>(dst + (<usize>i << 2), i64x2.extract_lane(zscore2(src + (<usize>i << 1), m, s), 0));
  }
  for (let i = pairs; i < n; i++) {
    store<f32>(dst + (<usize>i << 2), <f32>((<f64>load<u16>(src + (<usize>i << 1)) - mean) / std));
  }
  return STATUS_OK;
}

/**
 * Two z-scores at once: the uint16 pair at p, minus mean, divided by std, in float64 lanes, each rounded once to
 * float32 (lanes 0 and 1 of the result): the very operations of the scalar loop, two at a time.
 */
// @ts-ignore: decorator
@inline export function zscore2(p: usize, mean: v128, std: v128): v128 {
  const x = f64x2.convert_low_i32x4_u(i32x4.extend_low_i16x8_u(v128.load32_zero(p)));
  return f32x4.demote_f64x2_zero(f64x2.div(f64x2.sub(x, mean), std));
}
