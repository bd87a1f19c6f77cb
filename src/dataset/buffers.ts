// Record buffers that go round: the reader fills one per record, it waits in the shuffle buffer, moves to a decode
// worker and comes back with the decoded piece. Reusing them spares the main thread an allocation, its page faults
// and the garbage collection of ~160 KB per record, the biggest share of its work after the CRCs moved to the
// workers. A new buffer is only made when none is free, so the pool never holds more than the most records that
// were alive at once (shuffle buffer, held batch, pieces in flight): the bound the pipeline had without it.

/** Sizes are rounded up to this, so records of slightly different lengths share buffers. */
const GRAIN = 16 << 10;

export class BufferPool {
  private readonly free: ArrayBuffer[] = [];

  /** A buffer of at least `bytes`: a free one when its size suffices (a smaller one is dropped), else a new one. */
  take(bytes: number): Uint8Array {
    const b = this.free.pop();
    if (b !== undefined && b.byteLength >= bytes) return new Uint8Array(b);
    return new Uint8Array(Math.ceil(bytes / GRAIN) * GRAIN);
  }

  /** Gives buffers back (detached ones — moved to another thread meanwhile — are skipped). */
  give(buffers: Iterable<ArrayBufferLike>): void {
    for (const b of buffers) if (b.byteLength > 0 && b instanceof ArrayBuffer) this.free.push(b);
  }
}
