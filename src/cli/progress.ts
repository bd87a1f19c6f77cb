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
      io.err(`\r\x1b[2K${label} ${bar} ${done}/${total} ${unit} ${Math.round(rate)} ${unit}/s ETA ${duration(rate > 0 ? (total - done) / rate : Infinity)}${detail !== undefined ? ` ${detail}` : ""}`);
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
