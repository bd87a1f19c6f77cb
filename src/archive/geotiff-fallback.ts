// Compressed TIFFs (DEFLATE, LZW, PackBits, predictors) go through geotiff.js: exact for every layout GDAL
// writes, but slow, so it is imported only when a compressed file is met.
import { PatchError } from "../core/errors.js";
import type { BandPlace } from "./tiff.js";

/** Decodes band 1 of any TIFF with geotiff.js into UInt16 samples. */
export async function decodeWithGeotiff(buf: Uint8Array, place: BandPlace): Promise<Uint16Array> {
  const { fromArrayBuffer } = await import("geotiff");
  try {
    const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
    const image = await (await fromArrayBuffer(ab)).getImage();
    const [raster] = (await image.readRasters({ interleave: false })) as unknown as ArrayLike<number>[];
    if (raster === undefined) throw new Error("no raster in the file");
    return raster instanceof Uint16Array ? raster : Uint16Array.from(raster);
  } catch (e) {
    throw new PatchError("E_BAD_TIFF", `cannot decode the TIFF: ${(e as Error).message}`, place, "the file is damaged: extract it again from the archive");
  }
}
