// Per-band mean and standard deviation over TFRecord shards, streaming, in float64. Each record's band is
// summarised exactly (count, mean, sum of squared deviations) and merged with Chan et al.'s pairwise update,
// which stays accurate over billions of values where a running sum of squares would not.
import { BAND_NAMES } from "../core/bands.js";
import type { BandStats } from "../core/stats.js";
import { VERSION } from "../core/version.js";
import { readRecords } from "../tfrecord/reader.js";
import { decodeAt } from "../tfrecord/schema.js";
import { createCore } from "../wasm/core.js";

export interface StatsFile {
  format: "ben19-band-stats/1";
  /** Population statistics (ddof = 0) of the raw UInt16 values. */
  bands: BandStats;
  provenance: { tool: string; shards: string[]; records: number; created: string };
}

interface Acc {
  n: number;
  mean: number;
  m2: number;
}

/** Computes the statistics of every band over all records of `shards`. */
export async function bandStats(shards: readonly string[], onProgress?: (records: number) => void): Promise<StatsFile> {
  const core = await createCore();
  const acc: Acc[] = BAND_NAMES.map(() => ({ n: 0, mean: 0, m2: 0 }));
  let records = 0;
  for (const file of shards) {
    for await (const r of readRecords(file, core)) {
      const p = decodeAt(core, r.data, { file, record: r.index, offset: r.offset });
      p.bands.forEach((band, b) => {
        let sum = 0;
        for (const v of band) sum += v;
        const mean = sum / band.length;
        let m2 = 0;
        for (const v of band) m2 += (v - mean) * (v - mean);
        const a = acc[b] as Acc;
        const n = a.n + band.length;
        const delta = mean - a.mean;
        a.m2 += m2 + (delta * delta * a.n * band.length) / n;
        a.mean += (delta * band.length) / n;
        a.n = n;
      });
      records++;
      onProgress?.(records);
    }
  }
  const bands = Object.fromEntries(BAND_NAMES.map((b, i) => {
    const a = acc[i] as Acc;
    return [b, { mean: a.mean, std: Math.sqrt(a.n > 0 ? a.m2 / a.n : 0) }];
  })) as unknown as BandStats;
  return { format: "ben19-band-stats/1", bands, provenance: { tool: `ben19 ${VERSION}`, shards: [...shards], records, created: new Date().toISOString() } };
}
