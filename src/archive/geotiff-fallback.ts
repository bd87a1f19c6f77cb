// The last resort for TIFF layouts decodeBand does not know (JPEG, LERC, ZSTD, WebP, other predictors):
// geotiff.js, imported only when such a file is met. geotiff.js imports the `web-worker` package, which, loaded
// in a worker thread (prep's pool), takes itself for a web worker's bootstrap and crashes on its missing
// workerData; it only does so when no global Worker exists, so a placeholder is set for the time of the import.
// ben19 never gives geotiff.js a pool, so the placeholder is never constructed.
import { isMainThread } from "node:worker_threads";
import { PatchError } from "../core/errors.js";
import { parseTiff, type BandPlace, type TiffInfo } from "./tiff.js";

type GeotiffModule = typeof import("geotiff");
let geotiff: Promise<GeotiffModule> | undefined;

async function importGeotiff(): Promise<GeotiffModule> {
  const g = globalThis as { Worker?: unknown };
  if (isMainThread || typeof g.Worker === "function") return import("geotiff");
  g.Worker = class {
    constructor() {
      throw new Error("ben19 runs geotiff.js without web workers");
    }
  };
  try {
    return await import("geotiff");
  } finally {
    delete g.Worker;
  }
}

/**
 * Decodes band 1 of any TIFF with geotiff.js into UInt16 samples (Float32 for a float file). Its decoders have no
 * output cap, but the raster it returns has the size the IFD states, which checkBand has already bounded.
 */
export async function decodeWithGeotiff(
  buf: Uint8Array,
  place: BandPlace,
  info: TiffInfo = parseTiff(buf, place),
): Promise<Uint16Array | Float32Array> {
  const { fromArrayBuffer } = await (geotiff ??= importGeotiff());
  let raster: ArrayLike<number> | undefined;
  try {
    const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
    const image = await (await fromArrayBuffer(ab)).getImage();
    [raster] = (await image.readRasters({ interleave: false })) as unknown as ArrayLike<number>[];
  } catch (e) {
    const layout = `compression ${info.compression}, predictor ${info.predictor}`;
    const why = `cannot decode the TIFF (${layout}): ${(e as Error).message}`;
    throw new PatchError("E_BAD_TIFF", why, place, "the file is damaged, or re-compress it with DEFLATE or LZW");
  }
  if (raster === undefined || raster.length !== info.width * info.height) {
    const hint = "the file is damaged: extract it again from the archive";
    throw new PatchError("E_BAD_TIFF", "geotiff.js returned no raster of the stated size", place, hint);
  }
  if (info.sampleFormat === 3) return raster instanceof Float32Array ? raster : Float32Array.from(raster);
  return raster instanceof Uint16Array ? raster : Uint16Array.from(raster);
}
