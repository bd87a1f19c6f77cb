// DEFLATE strips and tiles (TIFF compression 8 and 32946) through node:zlib, with a hard output cap: zlib stops
// as soon as the output passes `cap`, so a decompression bomb costs a few kilobytes, not its claimed size.
//
// A band has up to 4 strips and a patch 24, and zlib.inflateSync builds a stream object and a zlib state for
// each (~40% of the time of a small strip). So each thread keeps one inflater and resets it between strips,
// through the native handle that inflateSync itself drives (writeSync + reset, unchanged since Node 10). Where
// that handle is not there (another runtime), inflateSync is used, with the same cap.
import { constants, Inflate, inflateSync } from "node:zlib";
import type { Inflate as InflateFn } from "./tiff-blocks.js";
import { BlockError } from "./tiff-codecs.js";

interface NativeZlib {
  /** Inflates input[inOff, +inLen) into out[at, +n); what is left of each lands in the write state. */
  writeSync(
    flush: number, input: Uint8Array, inOff: number, inLen: number, out: Uint8Array, at: number, n: number,
  ): void;
  reset(): void;
  onerror: (message: string, errno: number) => void;
}

/** The thread's reusable inflater, or null where the native handle is not available. */
let native: { handle: NativeZlib; state: Uint32Array } | null | undefined;
let failure: string | undefined;
let out = new Uint8Array(1 << 15);

function nativeInflater(): { handle: NativeZlib; state: Uint32Array } | null {
  const z = new Inflate() as unknown as { _handle?: Partial<NativeZlib>; _writeState?: unknown };
  const handle = z._handle;
  const state = z._writeState;
  const usable = typeof handle?.writeSync === "function" && typeof handle.reset === "function";
  if (!usable || !(state instanceof Uint32Array)) return null;
  // Errors arrive through this callback during writeSync; the stream object around the handle is never used.
  handle.onerror = (message: string) => void (failure = message);
  return { handle: handle as NativeZlib, state };
}

function viaInflateSync(src: Uint8Array, cap: number): Uint8Array {
  try {
    return inflateSync(src, { maxOutputLength: cap });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === "ERR_BUFFER_TOO_LARGE") throw new BlockError("overflow", `zlib output passed ${cap} bytes`);
    throw new BlockError("corrupt", `zlib: ${err.message}`);
  }
}

/** node:zlib's inflater for decodeBand (the view it returns is valid until the next call on this thread). */
export const inflateCapped: InflateFn = (src, cap) => {
  native ??= nativeInflater();
  if (native === null) return viaInflateSync(src, cap);
  if (out.length < cap + 1) out = new Uint8Array(cap + 1);
  const { handle, state } = native;
  failure = undefined;
  handle.reset();
  // Room for one byte past the cap: a stream that fills it is longer than the image allows.
  handle.writeSync(constants.Z_FINISH, src, 0, src.length, out, 0, cap + 1);
  if (failure !== undefined) {
    native = undefined; // a fresh inflater next time, whatever state the error left
    throw new BlockError("corrupt", `zlib: ${failure}`);
  }
  const written = cap + 1 - (state[0] as number);
  if (written > cap) throw new BlockError("overflow", `zlib output passed ${cap} bytes`);
  return out.subarray(0, written);
};

/** The inflateSync path, for tests that compare both. */
export const inflateCappedPortable: InflateFn = viaInflateSync;
