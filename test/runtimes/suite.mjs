// The runtime-neutral suite of `ben19/wasm`: known answers and round trips that must hold in every JavaScript host
// (Node, bun, deno, browsers). Plain JavaScript on the built dist/ with no Node built-ins and no test framework, so
// each runtime imports it unchanged; `run()` returns a JSON-able report and scripts/runtimes/cli.mjs prints it.
// The truths are independent of the core: published CRC32C vectors, a hand-written protobuf encoder framed with the
// bitwise CRC twin, and hand-derived resampling and z-score values.
import { BAND_NAMES, BAND_PIXELS, LABELS_19, SORTED_KEYS, createCore } from "../../dist/wasm/index.js";
import { crc32cBitwise, maskReference } from "../../dist/wasm/reference.js";

// The framed record of syntheticPatch(), pinned so that every runtime is held to the same bytes: derived with the
// hand encoder and bitwise CRC below, and checked once in Node against protobufjs (which test/wasm/core.test.ts uses).
const GOLDEN_RECORD_CRC32C = 0xf36b79c6;
const GOLDEN_RECORD_BYTES = 122176;

class CheckFailed extends Error {}

function eq(actual, expected, what) {
  if (actual !== expected) throw new CheckFailed(`${what}: got ${fmt(actual)}, expected ${fmt(expected)}`);
}

function fmt(v) {
  return typeof v === "number" && Number.isInteger(v) && v > 9 ? `${v} (0x${(v >>> 0).toString(16)})` : JSON.stringify(v);
}

function sameBytes(a, b, what) {
  eq(a.length, b.length, `${what}: length`);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) eq(a[i], b[i], `${what}: byte ${i}`);
}

function throwsCode(fn, code, what) {
  try {
    fn();
  } catch (e) {
    return eq(e.code, code, `${what}: error code`);
  }
  throw new CheckFailed(`${what}: no error thrown, expected ${code}`);
}

const ascii = (s) => new TextEncoder().encode(s);

/** A deterministic full patch (80,000 values, protobuf varint boundaries planted in B02) with 3 of the 19 labels. */
export function syntheticPatch(patchName = "S2B_MSIL2A_20170924T93020_69_24") {
  let s = 19;
  const next = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0);
  const bands = BAND_PIXELS.map((n) => Uint16Array.from({ length: n }, () => next() >>> (16 + (next() % 16))));
  [0, 127, 128, 16383, 16384, 65535].forEach((v, i) => (bands[1][i] = v));
  const multiHot = LABELS_19.map((_, k) => (k === 2 || k === 11 || k === 18 ? 1 : 0));
  return { patchName, bands, multiHot };
}

// An independent tf.train.Example encoder, straight from the proto definitions: Example{features=1}, Features{feature=1:
// map<string, Feature>} (entries {key=1, value=2}, written in bytewise key order as deterministic serialization does),
// Feature{bytes_list=1, int64_list=3}, BytesList{value=1 repeated}, Int64List{value=1 packed}.
function varint(out, v) {
  for (; v > 127; v = Math.floor(v / 128)) out.push((v % 128) | 128);
  out.push(v);
}

function field(out, number, bytes) {
  varint(out, number * 8 + 2);
  varint(out, bytes.length);
  for (const b of bytes) out.push(b);
}

function int64List(values) {
  const packed = [];
  for (const v of values) varint(packed, v);
  const list = [];
  field(list, 1, packed);
  const feature = [];
  field(feature, 3, list);
  return feature;
}

function bytesList(items) {
  const list = [];
  for (const item of items) field(list, 1, item);
  const feature = [];
  field(feature, 1, list);
  return feature;
}

function handExample(p) {
  const features = new Map(BAND_NAMES.map((b, i) => [b, int64List(p.bands[i])]));
  features.set("BigEarthNet-19_labels", bytesList(LABELS_19.filter((_, k) => p.multiHot[k] === 1).map(ascii)));
  features.set("BigEarthNet-19_labels_multi_hot", int64List(p.multiHot));
  features.set("patch_name", bytesList([ascii(p.patchName)]));
  const map = [];
  for (const key of [...features.keys()].sort()) {
    const entry = [];
    field(entry, 1, ascii(key));
    field(entry, 2, features.get(key));
    field(map, 1, entry);
  }
  const example = [];
  field(example, 1, map);
  return Uint8Array.from(example);
}

/** TFRecord framing with the bitwise CRC twin: u64 length, masked CRC of it, data, masked CRC of the data. */
function handFrame(data) {
  const out = new Uint8Array(data.length + 16);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length, true);
  view.setUint32(8, maskReference(crc32cBitwise(out.subarray(0, 8))), true);
  out.set(data, 12);
  view.setUint32(12 + data.length, maskReference(crc32cBitwise(data)), true);
  return out;
}

function checks(core, p) {
  return {
    "CRC32C known answers (RFC 3720 and the check value)": () => {
      eq(core.crc32c(ascii("123456789")), 0xe3069283, 'crc32c("123456789")');
      eq(crc32cBitwise(ascii("123456789")), 0xe3069283, 'bitwise twin crc32c("123456789")');
      eq(core.crc32c(new Uint8Array(0)), 0, "crc32c of nothing");
      eq(core.crc32c(new Uint8Array(32)), 0x8a9136aa, "crc32c of 32 zero bytes");
      eq(core.crc32c(new Uint8Array(32).fill(0xff)), 0x62a8ab43, "crc32c of 32 0xff bytes");
      eq(core.crc32c(Uint8Array.from({ length: 32 }, (_, i) => i)), 0x46dd794e, "crc32c of 0..31");
    },
    "CRC32C streamed across the I/O window equals one shot and the bitwise twin": () => {
      const data = Uint8Array.from({ length: 400_003 }, (_, i) => (i * 2654435761) >>> 24);
      const whole = core.crc32c(data);
      eq(whole, crc32cBitwise(data), "400,003 bytes vs the bitwise twin");
      eq(core.crc32c(data.subarray(7)), crc32cBitwise(data.subarray(7)), "unaligned start");
      eq(core.crc32c(data.subarray(123_456), core.crc32c(data.subarray(0, 123_456))), whole, "continued from a seed");
    },
    "masked CRC (TFRecord)": () => {
      eq(core.maskedCrc32c(ascii("123456789")), 0xc78ab0e5, 'masked crc32c("123456789")');
      eq(maskReference(0xe3069283), 0xc78ab0e5, "maskReference(0xe3069283)");
    },
    "TFRecord bytes equal the hand-encoded, bitwise-framed golden": () => {
      const golden = handFrame(handExample(p));
      eq(golden.length, GOLDEN_RECORD_BYTES, "golden record length");
      eq(crc32cBitwise(golden), GOLDEN_RECORD_CRC32C, "golden record CRC32C (pinned)");
      sameBytes(core.encodeRecord(p), golden, "encodeRecord");
      const unicode = { ...p, patchName: "Ünïcødé_パッチ", multiHot: LABELS_19.map(() => 0) };
      sameBytes(core.encodeRecord(unicode), handFrame(handExample(unicode)), "encodeRecord (non-ASCII name, no labels)");
    },
    "encode → frame → unframe → decode round trip": () => {
      const example = core.encodeExample(p);
      const record = core.frame(example);
      sameBytes(record, core.encodeRecord(p), "frame(encodeExample) vs encodeRecord");
      const d = core.decodePatch(core.unframe(record));
      eq(d.patchName, p.patchName, "patch name");
      d.bands.forEach((b, i) => sameBytes(b, p.bands[i], `band ${BAND_NAMES[i]}`));
      sameBytes(d.multiHot, p.multiHot, "multi-hot");
      eq(d.labels.join("|"), LABELS_19.filter((_, k) => p.multiHot[k] === 1).join("|"), "labels");
      const features = core.decodeExample(example);
      eq(features.map((f) => f.key).join(","), [...SORTED_KEYS].join(","), "feature keys in stored order");
      eq(features.map((f) => f.key).join(","), [...BAND_NAMES, "BigEarthNet-19_labels", "BigEarthNet-19_labels_multi_hot", "patch_name"].sort().join(","), "keys sorted");
      eq(features[0].kind, "int64_list", "B01 kind");
      eq(features[0].count, 400, "B01 value count");
      const any = core.unframe(core.frame(ascii("any bytes at all")));
      eq(new TextDecoder().decode(any), "any bytes at all", "frame/unframe of arbitrary data");
    },
    "damaged records give named errors": () => {
      const record = core.encodeRecord(p);
      const flipData = record.slice();
      flipData[100] ^= 1;
      throwsCode(() => core.unframe(flipData), "E_BAD_DATA_CRC", "a flipped data bit");
      const flipLength = record.slice();
      flipLength[0] ^= 1;
      throwsCode(() => core.unframe(flipLength), "E_BAD_LENGTH_CRC", "a flipped length bit");
      const example = core.encodeExample(p);
      throwsCode(() => core.decodePatch(example.subarray(0, example.length - 3)), "E_TRUNCATED_MESSAGE", "a truncated Example");
      throwsCode(() => core.decodePatch(new Uint8Array([0x0a, 0x00])), "E_MISSING_FEATURE", "an empty Example");
    },
    "tf1-bicubic 2× uses the weights (−0.09375, 0.59375, 0.59375, −0.09375)": () => {
      const v = [10, 20, 40, 80];
      const out = core.resample(Float32Array.from([...v, ...v, ...v, ...v]), 4, 4, 8, 8, "tf1-bicubic");
      const at = (i) => v[Math.min(3, Math.max(0, i))];
      const w = [-0.09375, 0.59375, 0.59375, -0.09375];
      const odd = (k) => w.reduce((s, wk, j) => s + wk * at(k - 1 + j), 0);
      const want = [v[0], odd(0), v[1], odd(1), v[2], odd(2), v[3], odd(3)];
      eq(out[1], 13.125, "x=1: −0.09375·10 + 0.59375·10 + 0.59375·20 − 0.09375·40 (left edge clamped)");
      eq(out[7], 83.75, "x=7: −0.09375·40 + 0.59375·80 + 0.59375·80 − 0.09375·80 (right edge clamped)");
      for (let y = 0; y < 8; y++) {
        for (let x = 0; x < 8; x++) {
          if (Math.abs(out[y * 8 + x] - want[x]) > 1e-4) eq(out[y * 8 + x], want[x], `pixel (${y}, ${x})`);
        }
      }
    },
    "normalize: (x − mean) / std in float64, rounded once to float32": () => {
      const values = Uint16Array.from([0, 1, 429, 430, 1000, 12345, 65535]);
      const mean = 429.9430203;
      const std = 572.41639287;
      const out = core.normalize(values, mean, std);
      values.forEach((x, i) => eq(out[i], Math.fround((x - mean) / std), `normalize(${x})`));
      throwsCode(() => core.normalize(values, mean, 0), "E_OPTION", "std = 0");
    },
  };
}

/**
 * Runs every check on the default (embedded) core. Options: `wasmUrl`, an http(s) URL of build/core.wasm: then the
 * core is also loaded from that URL, from its bytes and as a compiled module (skipped without it). Never throws:
 * failures are in the report, whose `ok` is false when any check failed.
 */
export async function run({ wasmUrl } = {}) {
  const results = [];
  const record = async (name, fn) => {
    try {
      const value = await fn();
      results.push({ name, ok: true });
      return value;
    } catch (e) {
      results.push({ name, ok: false, error: e instanceof CheckFailed ? e.message : String(e?.stack ?? e) });
      return undefined;
    }
  };
  const core = await record("load: embedded base64 (default)", () => createCore());
  if (core !== undefined) {
    const p = syntheticPatch();
    for (const [name, check] of Object.entries(checks(core, p))) await record(name, check);
  }
  let wasm;
  if (wasmUrl !== undefined) {
    const bytes = await record(`fetch ${wasmUrl}`, async () => {
      const res = await fetch(wasmUrl);
      eq(res.status, 200, `HTTP status of ${wasmUrl}`);
      return new Uint8Array(await res.arrayBuffer());
    });
    if (bytes !== undefined) {
      wasm = { url: wasmUrl, bytes: bytes.length, crc32c: crc32cBitwise(bytes) };
      const loads = {
        "{ url }": () => createCore({ url: wasmUrl }),
        "{ bytes } (a file's contents)": () => createCore({ bytes }),
        "{ module }": async () => createCore({ module: await WebAssembly.compile(bytes) }),
      };
      for (const [how, load] of Object.entries(loads)) {
        await record(`load: ${how} gives a working core`, async () => eq((await load()).crc32c(ascii("123456789")), 0xe3069283, "crc32c"));
      }
    }
    await record("load: a missing URL is a WasmError", async () => {
      const missing = new URL("does-not-exist.wasm", wasmUrl);
      const e = await createCore({ url: missing }).then(() => undefined, (err) => err);
      eq(e?.code, "E_WASM_FETCH", `createCore({ url: ${missing} }) error code`);
    });
  }
  const failed = results.filter((r) => !r.ok).length;
  return {
    suite: "ben19/wasm runtime suite",
    ok: failed === 0,
    passed: results.length - failed,
    failed,
    skipped: wasmUrl === undefined ? ["load from a URL, bytes and a module: no wasmUrl given"] : [],
    wasm,
    checks: results,
  };
}
