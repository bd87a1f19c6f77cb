// The learning curves of a run as a self-contained SVG (no dependencies, readable in any browser): two panels on
// one epoch axis. Top: the training loss every few steps (thin), its mean per epoch and the validation loss;
// bottom: validation micro and macro F1 on a fixed 0–1 scale. Each panel has its own labelled axis, round ticks
// and a legend, so no series needs guessing which axis it uses.

/** One line of log.jsonl: the state after epoch `epoch` (counted from 1, as on screen). */
export interface EpochLog {
  epoch: number;
  step: number;
  train_loss: number;
  val_loss?: number | undefined;
  val_micro_f1?: number | undefined;
  val_macro_f1?: number | undefined;
  seconds: number;
  patches_per_second: number;
}

/** One line of steps.jsonl: the mean training loss of the steps after the previous line up to `step`. */
export interface StepLog {
  step: number;
  /** Fractional epochs done at `step` (step / batches per epoch). */
  epoch: number;
  train_loss: number;
}

const W = 760;
const PANEL_H = 230;
const PAD = { l: 70, r: 190, t: 52, gap: 56, b: 46 };
const H = PAD.t + 2 * PANEL_H + PAD.gap + PAD.b;
const COLORS = { step: "#9ecae1", train: "#1f77b4", val: "#ff7f0e", micro: "#2ca02c", macro: "#d62728" };

/** Round tick values (1, 2 or 5 times a power of ten), about `n` of them, from at most `lo` to at least `hi`. */
export function niceTicks(lo: number, hi: number, n = 5): number[] {
  if (!(hi > lo)) hi = lo + 1;
  const raw = (hi - lo) / n;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((m) => m * mag >= raw) ?? 10) * mag;
  const ticks: number[] = [];
  const last = Math.ceil(hi / step - 1e-9);
  for (let k = Math.floor(lo / step + 1e-9); k <= last; k++) ticks.push(Number((k * step).toPrecision(12)));
  return ticks;
}

const esc = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const fmt = (v: number): string => String(Number(v.toPrecision(6)));

interface Line {
  label: string;
  color: string;
  points: [number, number][];
  width: number;
  dots: boolean;
}

interface Panel {
  top: number;
  yLabel: string;
  yMin: number;
  yMax: number;
  lines: Line[];
}

function drawPanel(p: Panel, xMax: number, xTicks: number[]): string {
  const x0 = PAD.l;
  const x1 = W - PAD.r;
  const x = (v: number): number => x0 + ((x1 - x0) * v) / xMax;
  const y = (v: number): number => p.top + PANEL_H * (1 - (v - p.yMin) / (p.yMax - p.yMin));
  const out: string[] = [];
  const mid = p.top + PANEL_H / 2;
  for (const t of niceTicks(p.yMin, p.yMax).filter((t) => t >= p.yMin && t <= p.yMax)) {
    out.push(`<line x1="${x0}" x2="${x1}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}" stroke="#e5e5e5"/>`,
      `<text x="${x0 - 6}" y="${(y(t) + 4).toFixed(1)}" text-anchor="end" font-size="11">${fmt(t)}</text>`);
  }
  for (const t of xTicks) {
    const xt = x(t).toFixed(1);
    out.push(`<line x1="${xt}" x2="${xt}" y1="${p.top}" y2="${p.top + PANEL_H}" stroke="#f0f0f0"/>`,
      `<text x="${xt}" y="${p.top + PANEL_H + 15}" text-anchor="middle" font-size="11">${fmt(t)}</text>`);
  }
  out.push(`<rect x="${x0}" y="${p.top}" width="${x1 - x0}" height="${PANEL_H}" fill="none" stroke="#999"/>`,
    `<text x="${(x0 + x1) / 2}" y="${p.top + PANEL_H + 32}" text-anchor="middle" font-size="12">epoch</text>`,
    `<text x="18" y="${mid}" font-size="12" text-anchor="middle" transform="rotate(-90 18 ${mid})">` +
      `${esc(p.yLabel)}</text>`);
  let legendY = p.top + 14;
  for (const l of p.lines) {
    const clamp = (v: number): number => Math.min(p.yMax, Math.max(p.yMin, v));
    const pts = l.points.filter(([, v]) => Number.isFinite(v))
      .map(([e, v]) => `${x(e).toFixed(1)},${y(clamp(v)).toFixed(1)}`);
    if (pts.length === 0) continue;
    const stroke = `stroke="${l.color}" stroke-width="${l.width}"`;
    if (pts.length > 1) out.push(`<polyline fill="none" ${stroke} points="${pts.join(" ")}"/>`);
    if (l.dots || pts.length === 1) {
      out.push(...pts.map((q) => `<circle cx="${q.split(",")[0]}" cy="${q.split(",")[1]}" r="3" fill="${l.color}"/>`));
    }
    const ly = legendY - 4;
    const key = `stroke="${l.color}" stroke-width="${Math.max(2, l.width)}"`;
    out.push(`<line x1="${x1 + 14}" x2="${x1 + 38}" y1="${ly}" y2="${ly}" ${key}/>`,
      `<text x="${x1 + 44}" y="${legendY}" font-size="12">${esc(l.label)}</text>`);
    legendY += 18;
  }
  return out.join("\n");
}

/**
 * The two-panel SVG of a run's curves. `title` names the model, data and settings; `subtitle` says more (e.g. the
 * backend). The x axis is in epochs; step points sit at fractional epochs.
 */
export function curvesSvg(log: readonly EpochLog[], steps: readonly StepLog[], title: string, subtitle = ""): string {
  const epochs = Math.max(1, ...log.map((e) => e.epoch), ...steps.map((s) => s.epoch));
  const xTicks = niceTicks(0, epochs, Math.min(10, Math.max(2, Math.ceil(epochs))));
  const xMax = xTicks.at(-1) ?? epochs;
  const losses = [...steps.map((s) => s.train_loss), ...log.flatMap((e) => [e.train_loss, e.val_loss ?? NaN])]
    .filter(Number.isFinite);
  const perEpoch = (label: string, color: string, pick: (e: EpochLog) => number | undefined): Line =>
    ({ label, color, width: 2, dots: true, points: log.map((e) => [e.epoch, pick(e) ?? NaN]) });
  const lossTicks = niceTicks(0, Math.max(1e-6, ...losses));
  const loss: Panel = {
    top: PAD.t, yLabel: "loss (mean sigmoid cross-entropy)", yMin: 0, yMax: lossTicks.at(-1) ?? 1,
    lines: [
      { label: "train loss (steps)", color: COLORS.step, width: 1.2, dots: false,
        points: steps.map((s) => [s.epoch, s.train_loss]) },
      perEpoch("train loss (epoch)", COLORS.train, (e) => e.train_loss),
      perEpoch("val loss", COLORS.val, (e) => e.val_loss),
    ],
  };
  const f1: Panel = {
    top: PAD.t + PANEL_H + PAD.gap, yLabel: "validation F1", yMin: 0, yMax: 1,
    lines: [
      perEpoch("val micro F1", COLORS.micro, (e) => e.val_micro_f1),
      perEpoch("val macro F1", COLORS.macro, (e) => e.val_macro_f1),
    ],
  };
  const noVal = log.every((e) => e.val_loss === undefined)
    ? `<text x="${(PAD.l + W - PAD.r) / 2}" y="${f1.top + PANEL_H / 2}" text-anchor="middle" font-size="13"` +
      ' fill="#777">' +
      "no validation data (train with --val SHARDS)</text>"
    : "";
  const svg = `xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}"`;
  return `<svg ${svg} font-family="sans-serif">
<rect width="100%" height="100%" fill="white"/>
<text x="${W / 2}" y="20" text-anchor="middle" font-size="15" font-weight="bold">${esc(title)}</text>
<text x="${W / 2}" y="38" text-anchor="middle" font-size="12" fill="#444">${esc(subtitle)}</text>
${drawPanel(loss, xMax, xTicks)}
${drawPanel(f1, xMax, xTicks)}
${noVal}
</svg>
`;
}
