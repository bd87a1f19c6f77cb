// The dataset's decode worker: one piece of a batch in (each record's buffer moved), its model input out (the
// tensors and labels as moved Float32Array buffers) along with the record buffers, moved back for reuse. Record
// errors come back as data; the main thread names the shard, record and offset.
import { Piscina } from "piscina";
import { createCore, type Core } from "../wasm/core.js";
import { decodePiece } from "./decode.js";
import type { DecodeTask } from "./protocol.js";

let core: Promise<Core> | undefined;

export default async function decode(task: DecodeTask): Promise<unknown> {
  const result = decodePiece(await (core ??= createCore()), task);
  const buffers = [...result.inputs.map((a) => a.buffer), result.labels.buffer, ...result.spent];
  // A custom transferable: the result object travels by structured clone, its buffers are moved.
  const movable = { [Piscina.transferableSymbol]: buffers, [Piscina.valueSymbol]: result };
  return Piscina.move(movable as unknown as Parameters<typeof Piscina.move>[0]);
}
