// The dataset's seeded PRNG (splitmix32): the record order of an epoch is a pure function of (seed, epoch), so
// a run — or a resumed run — sees the same batches on every platform and for any worker count.

/** splitmix32's output function: a bijective 32-bit mix. */
function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** A generator of uniform integers in [0, n) for n ≤ 2^32. */
export type RandomBelow = (n: number) => number;

/** The stream of epoch `epoch` under `seed` (any safe integers); distinct epochs give unrelated streams. */
export function epochRandom(seed: number, epoch: number): RandomBelow {
  const hi = Math.floor(seed / 0x100000000);
  let state = mix32(mix32(seed >>> 0) ^ mix32(hi ^ 0x5bd1e995) ^ Math.imul(epoch + 1, 0x9e3779b9));
  return (n) => {
    state = (state + 0x9e3779b9) >>> 0;
    // Two 32-bit draws make a 53-bit fraction, so the bias of floor(u·n) is negligible for any n ≤ 2^32.
    const a = mix32(state);
    state = (state + 0x9e3779b9) >>> 0;
    const u = (a * 0x200000 + (mix32(state) >>> 11)) / 0x20000000000000;
    return Math.floor(u * n);
  };
}

/** Fisher–Yates shuffle in place. */
export function shuffleInPlace<T>(items: T[], below: RandomBelow): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = below(i + 1);
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}
