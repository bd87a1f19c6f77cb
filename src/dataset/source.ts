// The main thread's half of the dataset: read the shards' records (length CRCs checked; the data CRC travels with
// each record to its worker), shuffle them with the epoch's PRNG, skip what a resumed run has already seen, and
// cut batches into pieces for the decode workers. Records stay serialized until a worker decodes them, so
// skipping costs a read, never a decode (nor a data CRC): a skipped record's buffer goes straight back to the pool.
import type { ErrorPlace } from "../core/errors.js";
import type { Core } from "../wasm/core.js";
import type { BufferPool } from "./buffers.js";
import { readFrames } from "./frames.js";
import type { RandomBelow } from "./random.js";
import { shuffleInPlace } from "./random.js";
import { shuffleBuffer } from "./shuffle.js";

/** One serialized Example (a view of a pooled buffer), its stored masked data CRC, and where it came from. */
export interface RawRecord {
  data: Uint8Array;
  crc: number;
  place: Required<Pick<ErrorPlace, "file" | "record" | "offset">>;
}

/** A run of consecutive records of one batch: `at` is its first position in the batch of `batchSize` records. */
export interface RawPiece {
  batch: number;
  batchSize: number;
  at: number;
  records: RawRecord[];
}

export interface EpochSourceOptions {
  files: readonly string[];
  shuffleBuffer: number;
  batchSize: number;
  /** Most records per piece: a large batch is decoded in several pieces, in parallel and in bounded memory. */
  pieceSize: number;
  skipBatches: number;
  dropRemainder: boolean;
}

/** What the reader works with: a core for the length CRCs, the pool the record buffers come from. */
export interface ReadContext {
  core: Core;
  pool: BufferPool;
}

/** Every record of the shards, in file order; with shuffling on, the file order itself is shuffled first. */
async function* records(
  files: readonly string[], shuffle: boolean, below: RandomBelow, io: ReadContext,
): AsyncGenerator<RawRecord> {
  const order = shuffle ? shuffleInPlace([...files], below) : files;
  for (const file of order) {
    for await (const r of readFrames(file, io.core, io.pool)) {
      yield { data: r.data, crc: r.crc, place: { file, record: r.index, offset: r.offset } };
    }
  }
}

/** The pieces of one epoch's batches, in batch order, after `skipBatches` whole batches. */
export async function* epochPieces(
  o: EpochSourceOptions, below: RandomBelow, io: ReadContext,
): AsyncGenerator<RawPiece> {
  let skip = o.skipBatches * o.batchSize;
  let batch = o.skipBatches;
  let held: RawRecord[] = [];
  function* cut(): Generator<RawPiece> {
    for (let at = 0; at < held.length; at += o.pieceSize) {
      yield { batch, batchSize: held.length, at, records: held.slice(at, at + o.pieceSize) };
    }
    batch++;
    held = [];
  }
  for await (const r of shuffleBuffer(records(o.files, o.shuffleBuffer > 0, below, io), o.shuffleBuffer, below)) {
    if (skip > 0) {
      skip--;
      io.pool.give([r.data.buffer]);
      continue;
    }
    held.push(r);
    if (held.length === o.batchSize) yield* cut();
  }
  if (held.length > 0 && !o.dropRemainder) yield* cut();
}
