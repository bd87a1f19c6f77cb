// Reading a statistics file (`--stats`). Kept apart from stats.ts so that the reference statistics and the
// types load without Node built-ins (the browser demo and other runtimes import them).
import { readFileSync } from "node:fs";
import { BAND_NAMES, S1_BAND_NAMES, type ChannelName } from "../core/bands.js";
import { OptionError } from "../core/errors.js";
import type { BandStat, ChannelStats } from "../core/stats.js";

/**
 * Reads a stats file written by `ben19 stats` (or any JSON with `bands: {B01: {mean, std}, …}`); VV and VH are
 * optional (the mm layout uses the reference's S1 statistics without them).
 */
export function loadStats(file: string): ChannelStats {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new OptionError("stats", file, `expected a readable JSON stats file (${(e as Error).message})`);
  }
  const bands = (data as { bands?: Record<string, Partial<BandStat>> }).bands ?? {};
  const out: Partial<Record<ChannelName, BandStat>> = {};
  for (const b of [...BAND_NAMES, ...S1_BAND_NAMES]) {
    const s = bands[b];
    if (s === undefined && (S1_BAND_NAMES as readonly string[]).includes(b)) continue;
    if (s === undefined || typeof s.mean !== "number" || typeof s.std !== "number" || !(s.std > 0)) {
      throw new OptionError("stats", file, `expected bands.${b} = {mean, std > 0}, as ben19 stats writes`);
    }
    out[b] = { mean: s.mean, std: s.std };
  }
  return out as ChannelStats;
}
