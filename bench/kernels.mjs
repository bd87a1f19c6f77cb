#!/usr/bin/env node
// The core's prep kernels alone, on the raw exports of a given .wasm (no facade, no copies in or out), so that two
// builds can be compared side by side and under callgrind, where only instruction counts are stable on a loaded
// machine. The records are the real ones of the golden file (real band values, so real varint lengths).
// Usage: node [--single-threaded --no-liftoff] bench/kernels.mjs [--wasm build/core.wasm]
//          [--records ../shared/bigearthnet/golden/real-v1.tfrecord] [--kernel encode|crc|decode] [--iterations N]
// Without --iterations it times each kernel by process CPU time; with it, it runs the kernel N times per record
// and prints nothing else, for `valgrind --tool=callgrind` runs whose Ir difference between two N is the cost.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

const { values: a } = parseArgs({
  options: {
    wasm: { type: "string", default: new URL("../build/core.wasm", import.meta.url).pathname },
    records: { type: "string", default: "../shared/bigearthnet/golden/real-v1.tfrecord" },
    kernel: { type: "string", multiple: true },
    iterations: { type: "string" },
  },
});
const imports = { env: { abort: () => { throw new Error("core aborted"); } } };
const { instance } = await WebAssembly.instantiate(readFileSync(a.wasm), imports);
const x = instance.exports;
const u8 = () => new Uint8Array(x.memory.buffer);
const io = x.ioPtr();

/** The data of every framed record of a TFRecord file. */
function records(file) {
  const bytes = readFileSync(file);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = [];
  for (let at = 0; at < bytes.length;) {
    const n = Number(view.getBigUint64(at, true));
    out.push(bytes.subarray(at + 12, at + 12 + n));
    at += 16 + n;
  }
  return out;
}

/** Decodes a record into the arena; returns the encodeRecord arguments (name bytes, label count). */
function load(data) {
  u8().set(data, io);
  const status = x.decodePatch(data.length);
  if (status !== 0) throw new Error(`decodePatch: status ${status}`);
  const counts = new Uint32Array(x.memory.buffer, x.countsPtr(), 2);
  return [counts[0], counts[1]];
}

const data = records(a.records);
// Every record must encode back to its own bytes, or the timings below mean nothing.
for (const d of data) {
  const [nameLen, labelCount] = load(d);
  const n = x.encodeRecord(nameLen, labelCount);
  const out = u8().subarray(io + 12, io + n - 4);
  if (n !== d.length + 16 || !out.every((b, i) => b === d[i])) throw new Error("encodeRecord changed a record");
}
const kernels = {
  encode: (d, args) => {
    load(d);
    return () => x.encodeRecord(args[0], args[1]);
  },
  crc: (d) => {
    u8().set(d, io);
    return () => x.crc32cUpdate(0, io, d.length);
  },
  decode: (d) => () => {
    u8().set(d, io);
    return x.decodePatch(d.length);
  },
};
const names = a.kernel ?? Object.keys(kernels);
const bytes = data.reduce((s, d) => s + d.length, 0);

for (const name of names) {
  const make = kernels[name];
  if (make === undefined) throw new Error(`unknown kernel ${name}`);
  if (a.iterations !== undefined) {
    const n = Number(a.iterations);
    for (const d of data) {
      const f = make(d, load(d));
      for (let i = 0; i < n; i++) f();
    }
    continue;
  }
  // Warm up (tier-up), then time rounds over all records by process CPU time; report the best round.
  let best = Infinity;
  for (let round = 0; round < 12; round++) {
    let us = 0;
    for (const d of data) {
      const f = make(d, load(d));
      const reps = round === 0 ? 5 : 40;
      const t0 = process.cpuUsage();
      for (let i = 0; i < reps; i++) f();
      const t = process.cpuUsage(t0);
      us += (t.user + t.system) / reps;
    }
    if (round > 0) best = Math.min(best, us / data.length);
  }
  const mbs = bytes / data.length / best;
  console.log(`${name.padEnd(7)} ${best.toFixed(1).padStart(7)} µs CPU per record (${mbs.toFixed(0)} MB/s of record)`);
}
