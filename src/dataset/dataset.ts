// The training input pipeline. The main thread reads and shuffles serialized records (seeded by seed and epoch)
// and cuts batches into pieces; piscina workers check the data CRCs, decode, normalise, resample and lay out each
// piece, and hand the record buffers back for the next reads; ordered() hands the results back in submission
// order. Batches are therefore the same bytes for any worker count, and memory is bounded by the shuffle buffer,
// one batch, and the window of pieces in flight.
import { createPool, type Pool } from "../pool/pool.js";
import { ordered } from "../pool/ordered.js";
import { createCore, type Core } from "../wasm/core.js";
import { assembleBatches, type Batch, type PieceResult } from "./batch.js";
import { BufferPool } from "./buffers.js";
import { decodePiece } from "./decode.js";
import { resolveDatasetOptions, type DatasetOptions, type ResolvedDatasetOptions } from "./options.js";
import type { DecodedPiece, DecodeTask } from "./protocol.js";
import { epochRandom } from "./random.js";
import { epochPieces, type RawPiece } from "./source.js";

export interface EpochOptions {
  /** Start after this many batches (e.g. `train --resume`): their records are read and shuffled, not decoded. */
  skipBatches?: number | undefined;
}

export interface Dataset {
  /** The options in force (files expanded). */
  readonly options: Readonly<ResolvedDatasetOptions>;
  /** The batches of epoch `e` (an integer ≥ 0), in order. */
  epoch(e: number, opts?: EpochOptions): AsyncIterable<Batch>;
  /** Seconds the decoders (workers, or this thread with workers: 0) have spent so far, over all epochs. */
  readonly decodeSeconds: number;
  /** Stops the worker threads; the dataset cannot be used afterwards. */
  close(): Promise<void>;
}

/** Most records per worker task: ~10 MB in and, for stack10, ~37 MB out; a larger batch is cut into even pieces. */
const PIECE_RECORDS = 64;

function pieceSize(batchSize: number): number {
  return Math.ceil(batchSize / Math.ceil(batchSize / PIECE_RECORDS));
}

function taskOf(piece: RawPiece, o: ResolvedDatasetOptions): DecodeTask {
  return {
    records: piece.records.map((r) => r.data), crcs: piece.records.map((r) => r.crc),
    layout: o.layout, resample: o.resample, stats: o.stats, referenceMasks: o.referenceMasks,
  };
}

/** Decodes pieces on this thread (workers: 0). */
async function* inProcess(
  pieces: AsyncIterable<RawPiece>, core: Core, pool: BufferPool, o: ResolvedDatasetOptions,
): AsyncGenerator<PieceResult> {
  for await (const piece of pieces) {
    const result = decodePiece(core, taskOf(piece, o));
    pool.give(result.spent);
    yield { piece, result };
  }
}

/**
 * Decodes pieces on the pool, in order, at most `window` in flight. ordered() takes a synchronous task list, so
 * each of its tasks is a pull of the next piece from the (asynchronous) source; async generators queue pulls in
 * call order, and the first pull that finds the source exhausted ends the stream.
 */
async function* onPool(
  pieces: AsyncGenerator<RawPiece>, pool: Pool<DecodeTask, DecodedPiece>, buffers: BufferPool,
  o: ResolvedDatasetOptions, window: number,
): AsyncGenerator<PieceResult> {
  function* pulls(): Generator<Promise<IteratorResult<RawPiece>>> {
    for (;;) yield pieces.next();
  }
  const run = async (pull: Promise<IteratorResult<RawPiece>>): Promise<PieceResult | null> => {
    const next = await pull;
    if (next.done === true) return null;
    const task = taskOf(next.value, o);
    // Each record owns its buffer: move them rather than copy them; they come back with the result. The piece
    // keeps the records' places for error messages; their data is gone from this thread meanwhile.
    const result = await pool.run(task, task.records.map((r) => r.buffer as ArrayBuffer));
    buffers.give(result.spent);
    return { piece: next.value, result };
  };
  for await (const r of ordered({ run }, pulls(), window)) {
    if (r === null) return;
    yield r;
  }
}

/** Creates a dataset over TFRecord shards; see DatasetOptions. Throws OptionError for bad options or files. */
export function createDataset(options: DatasetOptions): Dataset {
  const o = resolveDatasetOptions(options);
  const pool = o.workers === 0 ? undefined : createPool<DecodeTask, DecodedPiece>(import.meta.url, "worker", o.workers);
  // This thread's core (length CRCs; decoding too with workers: 0) and the record buffers, kept across epochs.
  let core: Promise<Core> | undefined;
  const buffers = new BufferPool();
  let decodeSeconds = 0;
  async function* counted(results: AsyncIterable<PieceResult>): AsyncGenerator<PieceResult> {
    for await (const r of results) {
      decodeSeconds += r.result.seconds;
      yield r;
    }
  }
  return {
    options: o,
    get decodeSeconds() {
      return decodeSeconds;
    },
    async *epoch(e: number, opts: EpochOptions = {}): AsyncGenerator<Batch> {
      if (!Number.isSafeInteger(e) || e < 0) throw new RangeError(`epoch(): expected an integer ≥ 0, got ${e}`);
      const skipBatches = opts.skipBatches ?? 0;
      if (!Number.isSafeInteger(skipBatches) || skipBatches < 0) {
        throw new RangeError(`epoch(): skipBatches must be an integer ≥ 0, got ${skipBatches}`);
      }
      const c = await (core ??= createCore());
      const source = { ...o, pieceSize: pieceSize(o.batchSize), skipBatches };
      const pieces = epochPieces(source, epochRandom(o.seed, e), { core: c, pool: buffers });
      try {
        const decoded = pool === undefined
          ? inProcess(pieces, c, buffers, o)
          : onPool(pieces, pool, buffers, o, o.workers * 2);
        yield* assembleBatches(counted(decoded), o.layout);
      } finally {
        await pieces.return(undefined);
      }
    },
    async close(): Promise<void> {
      await pool?.destroy();
    },
  };
}
