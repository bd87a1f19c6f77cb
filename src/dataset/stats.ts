// Per-band mean and standard deviation over TFRecord shards, streaming, in float64. Each record's band is
// summarised exactly (count, mean, sum of squared deviations) and merged with Chan et al.'s pairwise update,
// which stays accurate over billions of values where a running sum of squares would not.
import { BAND_NAMES, type ChannelName } from "../core/bands.js";
import { S1_BANDS } from "../tfrecord/mm-schema.js";
import type { ChannelStats } from "../core/stats.js";
import { VERSION } from "../core/version.js";
import { readRecords } from "../tfrecord/reader.js";
import { decodeAt } from "../tfrecord/schema.js";
import { createCore } from "../wasm/core.js";

export interface StatsFile {
  format: "ben19-band-stats/1";
  /** Population statistics (ddof = 0) of the raw UInt16 values; of VV and VH (dB) too when records are MM. */
  bands: ChannelStats;
  provenance: { tool: string; shards: string[]; records: number; created: string };
}

interface Acc {
  n: number;
  mean: number;
  m2: number;
}

/** Merges one record's band into the running statistics. */
function add(a: Acc, band: ArrayLike<number>): void {
  let sum = 0;
  for (let i = 0; i < band.length; i++) sum += band[i] as number;
  const mean = sum / band.length;
  let m2 = 0;
  for (let i = 0; i < band.length; i++) m2 += ((band[i] as number) - mean) * ((band[i] as number) - mean);
  const n = a.n + band.length;
  const delta = mean - a.mean;
  a.m2 += m2 + (delta * delta * a.n * band.length) / n;
  a.mean += (delta * band.length) / n;
  a.n = n;
}

/** Computes the statistics of every band over all records of `shards` (and of VV/VH over the MM records). */
export async function bandStats(shards: readonly string[], onProgress?: (records: number) => void): Promise<StatsFile> {
  const core = await createCore();
  const channels: ChannelName[] = [...BAND_NAMES, ...S1_BANDS];
  const acc: Acc[] = channels.map(() => ({ n: 0, mean: 0, m2: 0 }));
  let records = 0;
  for (const file of shards) {
    for await (const r of readRecords(file, core)) {
      const p = decodeAt(core, r.data, { file, record: r.index, offset: r.offset });
      p.bands.forEach((band, b) => add(acc[b] as Acc, band));
      if (p.s1 !== undefined) [p.s1.vv, p.s1.vh].forEach((band, s) => add(acc[BAND_NAMES.length + s] as Acc, band));
      records++;
      onProgress?.(records);
    }
  }
  // VV/VH only when some record had them: an S2-only archive's file stays as before.
  const bands = Object.fromEntries(channels.flatMap((b, i) => {
    const a = acc[i] as Acc;
    return i >= BAND_NAMES.length && a.n === 0 ? [] : [[b, { mean: a.mean, std: Math.sqrt(a.n > 0 ? a.m2 / a.n : 0) }]];
  })) as unknown as ChannelStats;
  const provenance = { tool: `ben19 ${VERSION}`, shards: [...shards], records, created: new Date().toISOString() };
  return { format: "ben19-band-stats/1", bands, provenance };
}
