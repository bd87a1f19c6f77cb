// Progress for long commands, on stderr. On a terminal: one line redrawn in place (count, rate, ETA), at most
// ten times a second. Elsewhere (logs, CI): nothing while running, one line per finished stage.
import type { Io } from "./io.js";

export interface Progress {
  /** `done` of `total` units finished in the current stage; `detail` (e.g. the loss) is shown after the rate. */
  update(done: number, total: number, detail?: string): void;
  /** Ends the current stage, printing its one-line summary. */
  finish(summary: string): void;
}

function duration(s: number): string {
  if (!Number.isFinite(s)) return "--:--";
  const m = Math.floor(s / 60);
  return `${m}:${String(Math.floor(s % 60)).padStart(2, "0")}`;
}

/** "batches" → "batch", "patches" → "patch", "records" → "record". */
const singular = (unit: string): string => unit.replace(/(ch|sh|x)es$/, "$1").replace(/s$/, "");

/**
 * A rate readable at any speed: `12 batches/s`, `2.5 batches/s`, and below one per second the time each takes,
 * `3.2 s/batch` (a rounded "0 batches/s" says nothing).
 */
export function formatRate(perSecond: number, unit: string): string {
  if (!(perSecond > 0) || !Number.isFinite(perSecond)) return `- ${unit}/s`;
  if (perSecond >= 10) return `${Math.round(perSecond)} ${unit}/s`;
  if (perSecond >= 1) return `${perSecond.toFixed(1)} ${unit}/s`;
  const each = 1 / perSecond;
  return `${each < 10 ? each.toFixed(1) : Math.round(each)} s/${singular(unit)}`;
}

/** A progress reporter for one stage labelled `label`, counting `unit`s; silent when `quiet`. */
export function progress(io: Io, label: string, unit: string, quiet = false): Progress {
  const start = Date.now();
  let last = 0;
  let drawn = false;
  return {
    update(done, total, detail) {
      if (quiet || !io.errIsTTY) return;
      const now = Date.now();
      if (now - last < 100 && done < total) return;
      last = now;
      const secs = (now - start) / 1000;
      const rate = secs > 0 ? done / secs : 0;
      const width = 24;
      const filled = total > 0 ? Math.round((width * done) / total) : width;
      const bar = `${"█".repeat(filled)}${"░".repeat(width - filled)}`;
      const eta = duration(rate > 0 ? (total - done) / rate : Infinity);
      const extra = detail !== undefined ? ` ${detail}` : "";
      io.err(`\r\x1b[2K${label} ${bar} ${done}/${total} ${unit} ${formatRate(rate, unit)} ETA ${eta}${extra}`);
      drawn = true;
    },
    finish(summary) {
      if (quiet) return;
      if (drawn) io.err("\r\x1b[2K");
      drawn = false;
      io.err(`${label}: ${summary}\n`);
    },
  };
}
