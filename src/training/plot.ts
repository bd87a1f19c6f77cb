// The learning curves of a run as a small self-contained SVG (no dependencies): loss (train, validation) on
// the left axis, validation micro/macro F1 on the right, one point per epoch.
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

const W = 640;
const H = 360;
const PAD = { l: 56, r: 56, t: 28, b: 40 };

interface Series {
  label: string;
  color: string;
  axis: "loss" | "f1";
  pick: (e: EpochLog) => number | undefined;
}

const SERIES: Series[] = [
  { label: "train loss", color: "#1f77b4", axis: "loss", pick: (e) => e.train_loss },
  { label: "val loss", color: "#ff7f0e", axis: "loss", pick: (e) => e.val_loss },
  { label: "val micro F1", color: "#2ca02c", axis: "f1", pick: (e) => e.val_micro_f1 },
  { label: "val macro F1", color: "#d62728", axis: "f1", pick: (e) => e.val_macro_f1 },
];

export function curvesSvg(log: readonly EpochLog[], title: string): string {
  const epochs = log.map((e) => e.epoch + 1);
  const maxEpoch = Math.max(1, ...epochs);
  const losses = log.flatMap((e) => [e.train_loss, e.val_loss]).filter((v): v is number => Number.isFinite(v));
  const maxLoss = Math.max(1e-9, ...losses) * 1.05;
  const x = (epoch: number): number => PAD.l + ((W - PAD.l - PAD.r) * (epoch - (maxEpoch > 1 ? 1 : 0))) / Math.max(1, maxEpoch - 1);
  const y = (v: number, axis: Series["axis"]): number => PAD.t + (H - PAD.t - PAD.b) * (1 - v / (axis === "loss" ? maxLoss : 1));
  const lines = SERIES.map((s, k) => {
    const pts = log.flatMap((e) => {
      const v = s.pick(e);
      return v === undefined || !Number.isFinite(v) ? [] : [`${x(e.epoch + 1).toFixed(1)},${y(v, s.axis).toFixed(1)}`];
    });
    if (pts.length === 0) return "";
    const dots = pts.map((p) => `<circle cx="${p.split(",")[0]}" cy="${p.split(",")[1]}" r="2.5" fill="${s.color}"/>`).join("");
    return `<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${pts.join(" ")}"/>${dots}` +
      `<text x="${PAD.l + 8 + 140 * k}" y="${H - 8}" fill="${s.color}" font-size="12">${s.label}</text>`;
  }).join("\n");
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => {
    const yy = PAD.t + (H - PAD.t - PAD.b) * (1 - f);
    return `<line x1="${PAD.l}" x2="${W - PAD.r}" y1="${yy}" y2="${yy}" stroke="#ddd"/>` +
      `<text x="${PAD.l - 6}" y="${yy + 4}" text-anchor="end" font-size="11">${(f * maxLoss).toFixed(3)}</text>` +
      `<text x="${W - PAD.r + 6}" y="${yy + 4}" font-size="11">${f.toFixed(2)}</text>`;
  }).join("");
  const xt = epochs.map((e) => `<text x="${x(e)}" y="${H - PAD.b + 16}" text-anchor="middle" font-size="11">${e}</text>`).join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif">
<rect width="100%" height="100%" fill="white"/>
<text x="${W / 2}" y="18" text-anchor="middle" font-size="14">${title}</text>
${ticks}${xt}
<text x="14" y="${H / 2}" font-size="11" transform="rotate(-90 14 ${H / 2})" text-anchor="middle">loss</text>
<text x="${W - 12}" y="${H / 2}" font-size="11" transform="rotate(90 ${W - 12} ${H / 2})" text-anchor="middle">F1</text>
${lines}
</svg>
`;
}
