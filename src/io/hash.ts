// sha256 of a file, streamed in 1 MiB chunks so that a shard of any size costs flat memory.
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";

export async function sha256OfFile(file: string): Promise<string> {
  const h = createHash("sha256");
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) h.update(chunk as Buffer);
  return h.digest("hex");
}
