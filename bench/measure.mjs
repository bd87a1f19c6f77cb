// The timing loop of every benchmark, in plain JavaScript with only the global `performance`, so that the same
// loop measures in Node (through bench/report.ts), bun, deno and browsers (bench/runtimes/probe.mjs).

/**
 * Runs `fn` (which processes `work` units per call) for `rounds` timed rounds after one warm-up round of the
 * same length, and returns units per second: the mean over rounds and the standard deviation.
 */
export function measure(fn, work, rounds = 7, minMs = 200) {
  let calls = 1;
  for (let t = 0; t < minMs; calls *= 2) {
    const s = performance.now();
    for (let i = 0; i < calls; i++) fn();
    t = performance.now() - s;
    if (t >= minMs) break;
  }
  const rates = [];
  for (let r = 0; r < rounds; r++) {
    const s = performance.now();
    for (let i = 0; i < calls; i++) fn();
    rates.push((work * calls) / ((performance.now() - s) / 1000));
  }
  return summarize(rates);
}

/** Mean and sample standard deviation of a list of rates. */
export function summarize(rates) {
  const n = rates.length;
  const mean = rates.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? rates.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1) : 0;
  return { mean, stddev: Math.sqrt(variance), n };
}
