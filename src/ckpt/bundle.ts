// A TensorFlow tensor bundle (the V2 checkpoint format of tf.train.Saver and tf.train.Checkpoint): PREFIX.index
// is a table (table.ts) whose entry "" is a BundleHeaderProto (shard count, endianness, version) and whose other
// entries map each variable name to a BundleEntryProto (dtype, shape, shard, offset, size, masked CRC32C of the
// bytes); PREFIX.data-NNNNN-of-NNNNN hold the raw tensor bytes. See tensorflow/core/protobuf/tensor_bundle.proto
// and tensorflow/core/util/tensor_bundle/tensor_bundle.cc; docs/tf1-checkpoints.md has the details.
import { CheckpointError } from "../core/errors.js";
import { dtypeBytes, dtypeName, DT_FLOAT } from "./dtypes.js";
import { ProtoError, ProtoReader, type Field } from "./proto.js";
import { readTable, TableError, type MaskedCrc } from "./table.js";

export interface BundleEntry {
  name: string;
  dtype: number;
  /** e.g. "float32". */
  dtypeName: string;
  /** Dimensions; -1 for an unknown one. */
  shape: number[];
  shard: number;
  offset: number;
  size: number;
  /** The masked CRC32C of the tensor's bytes, as stored. */
  crc32c: number;
  /** A partitioned variable (its parts are stored under other keys); not readable here. */
  partitioned: boolean;
}

export interface BundleIndex {
  shards: number;
  endianness: "little" | "big";
  /** VersionDef: producer and min_consumer of the bundle format. */
  version: { producer: number; minConsumer: number };
  entries: BundleEntry[];
}

/** The bytes of a checkpoint's files, wherever they are (a folder, a zip). */
export interface BundleFiles {
  /** Shown in errors and listings: the prefix, or zip:member prefix. */
  readonly label: string;
  index(): Uint8Array;
  /** The whole data file `PREFIX.data-{shard}-of-{count}`. */
  shard(shard: number, count: number): Uint8Array;
}

export const dataFileSuffix = (shard: number, count: number): string =>
  `.data-${String(shard).padStart(5, "0")}-of-${String(count).padStart(5, "0")}`;

const utf8 = new TextDecoder("utf-8", { fatal: false });
const INT64_UNKNOWN = 2 ** 53;

function message(value: Field["value"], what: string): Uint8Array {
  if (typeof value === "number") throw new ProtoError(`${what} is not a message`);
  return value;
}

function parseShape(bytes: Uint8Array): number[] {
  const dims: number[] = [];
  for (const f of ProtoReader.fields(bytes)) {
    if (f.no !== 2) continue;
    const size = ProtoReader.fields(message(f.value, "dim")).find((d) => d.no === 1)?.value;
    dims.push(typeof size === "number" ? (size >= INT64_UNKNOWN ? -1 : size) : 0);
  }
  return dims;
}

function parseEntry(name: string, bytes: Uint8Array): BundleEntry {
  const e: BundleEntry = {
    name, dtype: 0, dtypeName: "", shape: [], shard: 0, offset: 0, size: 0, crc32c: 0, partitioned: false,
  };
  for (const f of ProtoReader.fields(bytes)) {
    if (f.no === 1 && f.wire === 0) e.dtype = f.value;
    else if (f.no === 2) e.shape = parseShape(message(f.value, "shape"));
    else if (f.no === 3 && f.wire === 0) e.shard = f.value;
    else if (f.no === 4 && f.wire === 0) e.offset = f.value;
    else if (f.no === 5 && f.wire === 0) e.size = f.value;
    else if (f.no === 6 && f.wire === 5) e.crc32c = f.value;
    else if (f.no === 7) e.partitioned = true;
  }
  e.dtypeName = dtypeName(e.dtype);
  return e;
}

function parseHeader(bytes: Uint8Array): Omit<BundleIndex, "entries"> {
  const h: Omit<BundleIndex, "entries"> = { shards: 0, endianness: "little", version: { producer: 0, minConsumer: 0 } };
  for (const f of ProtoReader.fields(bytes)) {
    if (f.no === 1 && f.wire === 0) h.shards = f.value;
    else if (f.no === 2 && f.wire === 0) h.endianness = f.value === 1 ? "big" : "little";
    else if (f.no === 3) {
      for (const v of ProtoReader.fields(message(f.value, "version"))) {
        if (v.no === 1 && v.wire === 0) h.version.producer = v.value;
        if (v.no === 2 && v.wire === 0) h.version.minConsumer = v.value;
      }
    }
  }
  return h;
}

const NOT_INDEX_HINT =
  "pass a TensorFlow checkpoint: PREFIX.index with its PREFIX.data-* files, their folder, or the zip holding them";

/** Parses a `.index` file's bytes. */
export function parseIndex(bytes: Uint8Array, crc: MaskedCrc, file: string): BundleIndex {
  let table: [Uint8Array, Uint8Array][];
  try {
    table = readTable(bytes, crc);
  } catch (e) {
    if (e instanceof TableError) {
      throw new CheckpointError("E_CKPT_INDEX", e.message, { file, offset: e.offset }, NOT_INDEX_HINT);
    }
    throw e;
  }
  const first = table[0];
  if (first === undefined || first[0].length !== 0) {
    throw new CheckpointError("E_CKPT_INDEX", "the index has no bundle header (entry \"\")", { file }, NOT_INDEX_HINT);
  }
  try {
    const header = parseHeader(first[1]);
    // Keys of partitioned variables' parts start with a 0 byte (an encoded slice name): they are not variables.
    const entries = table.slice(1).filter(([k]) => k[0] !== 0).map(([k, v]) => parseEntry(utf8.decode(k), v));
    if (header.shards < 1) throw new ProtoError(`the header says ${header.shards} data shards`);
    return { ...header, entries };
  } catch (e) {
    if (e instanceof ProtoError) {
      throw new CheckpointError("E_CKPT_INDEX", `malformed index entry: ${e.message}`, { file }, NOT_INDEX_HINT);
    }
    throw e;
  }
}

/** Reads tensors of one bundle, checking each one's CRC32C; data shards are loaded once, when first needed. */
export class BundleReader {
  readonly index: BundleIndex;
  private readonly byName: Map<string, BundleEntry>;
  private readonly shards = new Map<number, Uint8Array>();

  constructor(readonly files: BundleFiles, private readonly crc: MaskedCrc) {
    this.index = parseIndex(files.index(), crc, `${files.label}.index`);
    this.byName = new Map(this.index.entries.map((e) => [e.name, e]));
  }

  get entries(): readonly BundleEntry[] {
    return this.index.entries;
  }

  entry(name: string): BundleEntry | undefined {
    return this.byName.get(name);
  }

  private shard(i: number): Uint8Array {
    let s = this.shards.get(i);
    if (s === undefined) {
      s = this.files.shard(i, this.index.shards);
      this.shards.set(i, s);
    }
    return s;
  }

  /** The tensor's bytes in little-endian order, after checking its CRC32C. */
  bytes(name: string): Uint8Array {
    const e = this.byName.get(name);
    const file = `${this.files.label}${dataFileSuffix(e?.shard ?? 0, this.index.shards)}`;
    if (e === undefined) {
      throw new CheckpointError("E_CKPT_TENSOR", `no tensor named "${name}"`, { file: `${this.files.label}.index` },
        "list the checkpoint's tensors with `ben19 ckpt list`");
    }
    const fail = (what: string): never => {
      throw new CheckpointError("E_CKPT_TENSOR", `tensor "${name}": ${what}`, { file, offset: e.offset },
        "the checkpoint is damaged or incomplete: download or extract it again");
    };
    if (e.partitioned) fail("a partitioned variable (saved in slices), which ben19 does not read");
    const width = dtypeBytes(e.dtype);
    if (width === 0) fail(`${e.dtypeName} tensors have no fixed-size layout; ben19 reads numeric tensors only`);
    const count = e.shape.reduce((a, b) => a * b, 1);
    if (e.shape.some((d) => d < 0) || count * width !== e.size) {
      fail(`shape [${e.shape.join(", ")}] of ${e.dtypeName} needs ${count * width} bytes, the index says ${e.size}`);
    }
    if (e.shard >= this.index.shards) fail(`shard ${e.shard} of ${this.index.shards}`);
    const data = this.shard(e.shard);
    if (e.offset + e.size > data.length) {
      fail(`bytes ${e.offset}..${e.offset + e.size} run past the ${data.length}-byte data file`);
    }
    const raw = data.subarray(e.offset, e.offset + e.size);
    if (this.crc.maskedCrc32c(raw) !== e.crc32c) fail("CRC32C mismatch");
    if (this.index.endianness === "little" || width === 1) return raw;
    const swapped = new Uint8Array(raw.length);
    // Complex numbers swap each of their two parts.
    const unit = e.dtype === 8 || e.dtype === 18 ? width / 2 : width;
    for (let i = 0; i < raw.length; i += unit) {
      for (let j = 0; j < unit; j++) swapped[i + j] = raw[i + unit - 1 - j] as number;
    }
    return swapped;
  }

  /** A float32 tensor's values (copied, aligned). */
  float32(name: string): Float32Array {
    const e = this.byName.get(name);
    if (e !== undefined && e.dtype !== DT_FLOAT) {
      throw new CheckpointError("E_CKPT_TENSOR", `tensor "${name}" is ${e.dtypeName}, expected float32`,
        { file: `${this.files.label}.index` }, "this checkpoint was not written by the reference's float32 models");
    }
    const b = this.bytes(name);
    const out = new Float32Array(b.length / 4);
    new Uint8Array(out.buffer).set(b);
    return out;
  }
}
