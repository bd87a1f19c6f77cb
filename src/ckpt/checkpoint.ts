// Opening a checkpoint for reading: its files (source.ts) and a BundleReader whose CRC32C checks run in the WASM
// core; and the listing `ben19 ckpt list` prints.
import { createCore } from "../wasm/core.js";
import { BundleReader } from "./bundle.js";
import { openCheckpoint, type CheckpointSource } from "./source.js";
import type { MaskedCrc } from "./table.js";

export interface Checkpoint {
  source: CheckpointSource;
  reader: BundleReader;
  close(): void;
}

/** Opens and indexes the checkpoint at `path` (zip, folder, PREFIX.index or PREFIX). */
export async function readCheckpoint(path: string, crc?: MaskedCrc): Promise<Checkpoint> {
  const c = crc ?? (await createCore());
  const source = openCheckpoint(path);
  try {
    return { source, reader: new BundleReader(source, c), close: () => source.close() };
  } catch (e) {
    source.close();
    throw e;
  }
}

/** What `ckpt list --json` prints (snake_case keys, as every JSON ben19 writes). */
export interface CheckpointListing {
  checkpoint: string;
  shards: number;
  endianness: "little" | "big";
  version: { producer: number; min_consumer: number };
  tensors: { name: string; dtype: string; shape: number[]; bytes: number; shard: number }[];
  /** Values of float32 tensors (excluding those of size 0). */
  values: number;
}

export function listing(c: Checkpoint): CheckpointListing {
  const i = c.reader.index;
  return {
    checkpoint: c.source.label,
    shards: i.shards,
    endianness: i.endianness,
    version: { producer: i.version.producer, min_consumer: i.version.minConsumer },
    tensors: i.entries.map((e) => ({
      name: e.name, dtype: e.dtypeName, shape: e.shape, bytes: e.size, shard: e.shard,
    })),
    values: i.entries.filter((e) => e.dtype === 1).reduce((n, e) => n + e.size / 4, 0),
  };
}
