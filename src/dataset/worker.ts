// The dataset's decode worker: one piece of a batch in (each record's buffer moved), its model input out (the
// tensors and labels as moved Float32Array buffers) along with the record buffers, moved back for reuse. Record
// errors come back as data; the main thread names the shard, record and offset.
import { moving } from "../pool/pool.js";
import { createCore, type Core } from "../wasm/core.js";
import { decodePiece } from "./decode.js";
import type { DecodedPiece, DecodeTask } from "./protocol.js";

let core: Promise<Core> | undefined;

export default async function decode(task: DecodeTask): Promise<DecodedPiece> {
  const result = decodePiece(await (core ??= createCore()), task);
  const masks = result.masks === undefined ? [] : [result.masks.buffer];
  const buffers = [...result.inputs.map((a) => a.buffer), result.labels.buffer, ...masks, ...result.spent];
  return moving(result, buffers);
}
