// Pictures of a patch: the true-colour composite (B04, B03, B02) and each band in grey, every channel stretched
// linearly between its 2nd and 98th percentile, so that dark water and bright cloud both keep some detail. The
// Sentinel-1 bands likewise: VV and VH in grey, and the usual false-colour composite R = VV, G = VH, B = VV − VH
// (the VV/VH ratio of the dB values).
import { BAND_NAMES, BAND_SIDES } from "ben19/browser";

const LOW = 0.02;
const HIGH = 0.98;
const RGB = ["B04", "B03", "B02"].map((b) => BAND_NAMES.indexOf(b));

/** The [2 %, 98 %] percentiles of a band (a sorted float32 copy, exact for UInt16; 14,400 values at most). */
export function stretchRange(band) {
  const sorted = Float32Array.from(band).sort();
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  const lo = at(LOW);
  const hi = at(HIGH);
  return [lo, hi > lo ? hi : lo + 1];
}

export function toByte(v, [lo, hi]) {
  return Math.max(0, Math.min(255, Math.round(((v - lo) / (hi - lo)) * 255)));
}

/** Draws channels (equal-sized bands) into a canvas of their side: one band grey, three as R, G, B. */
function draw(canvas, side, channels) {
  canvas.width = side;
  canvas.height = side;
  const ctx = canvas.getContext("2d");
  const img = ctx.createImageData(side, side);
  const ranges = channels.map(stretchRange);
  for (let p = 0; p < side * side; p++) {
    for (let c = 0; c < 3; c++) {
      const k = channels.length === 1 ? 0 : c;
      img.data[p * 4 + c] = toByte(channels[k][p], ranges[k]);
    }
    img.data[p * 4 + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
}

/** Fills the composite canvas and the grid of band images. */
export function showBands(rgbCanvas, grid, bands) {
  draw(rgbCanvas, BAND_SIDES[RGB[0]], RGB.map((i) => bands[i]));
  grid.replaceChildren(...BAND_NAMES.map((name, i) => {
    const fig = document.createElement("figure");
    const canvas = document.createElement("canvas");
    draw(canvas, BAND_SIDES[i], [bands[i]]);
    const cap = document.createElement("figcaption");
    cap.textContent = `${name} · ${BAND_SIDES[i]}²`;
    fig.append(canvas, cap);
    return fig;
  }));
}

/** Fills the VV, VH and false-colour canvases of a patch's Sentinel-1 bands. */
export function showS1(vvCanvas, vhCanvas, falseCanvas, s1) {
  const ratio = s1.vv.map((v, i) => v - s1.vh[i]);
  draw(vvCanvas, 120, [s1.vv]);
  draw(vhCanvas, 120, [s1.vh]);
  draw(falseCanvas, 120, [s1.vv, s1.vh, ratio]);
}
