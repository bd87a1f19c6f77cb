// The main thread's half of the dataset: read the shards' records (CRCs checked), shuffle them with the epoch's
// PRNG, skip what a resumed run has already seen, and cut batches into pieces for the decode workers. Records
// stay serialized until a worker decodes them, so skipping costs a read, never a decode.
import type { ErrorPlace } from "../core/errors.js";
import { readRecords } from "../tfrecord/reader.js";
import type { RandomBelow } from "./random.js";
import { shuffleInPlace } from "./random.js";
import { shuffleBuffer } from "./shuffle.js";

/** One serialized Example and where it came from (for error messages). */
export interface RawRecord {
  data: Uint8Array;
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

/** Every record of the shards, in file order; with shuffling on, the file order itself is shuffled first. */
async function* records(files: readonly string[], shuffle: boolean, below: RandomBelow): AsyncGenerator<RawRecord> {
  const order = shuffle ? shuffleInPlace([...files], below) : files;
  for (const file of order) {
    for await (const r of readRecords(file)) yield { data: r.data, place: { file, record: r.index, offset: r.offset } };
  }
}

/** The pieces of one epoch's batches, in batch order, after `skipBatches` whole batches. */
export async function* epochPieces(o: EpochSourceOptions, below: RandomBelow): AsyncGenerator<RawPiece> {
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
  for await (const r of shuffleBuffer(records(o.files, o.shuffleBuffer > 0, below), o.shuffleBuffer, below)) {
    if (skip > 0) {
      skip--;
      continue;
    }
    held.push(r);
    if (held.length === o.batchSize) yield* cut();
  }
  if (held.length > 0 && !o.dropRemainder) yield* cut();
}
