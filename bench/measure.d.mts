/** Units per second over timed rounds: the mean, the sample standard deviation and the number of rounds. */
export interface Rate {
  mean: number;
  stddev: number;
  n: number;
}
/**
 * Runs `fn` (which processes `work` units per call) for `rounds` timed rounds after one warm-up round of the
 * same length, and returns units per second: the mean over rounds and the standard deviation.
 */
export declare function measure(fn: () => void, work: number, rounds?: number, minMs?: number): Rate;
/** Mean and sample standard deviation of a list of rates. */
export declare function summarize(rates: readonly number[]): Rate;
