// Streaming evaluation: batches of (labels, probabilities) go in, the reference's metrics come out. Memory is
// O(C) whatever the number of patches: sample-averaged metrics are running sums of per-patch scores, and the
// micro/macro metrics need only the per-class counts TP, FP, TN, FN (U = |Y ∪ P| per class = TP + FP + FN).
// All arithmetic is float64; counts stay exact integers up to 2^53 patches.
//
// Zero denominators follow FACTS.md exactly:
//   sample metrics: guarded per patch (sample.ts); their mean over zero patches is NaN (0/0, nothing evaluated).
//   micro_precision, micro_recall, macro_precision_class{i}, macro_recall_class{i}: 0 when the denominator is 0.
//   micro/macro F_β: 0 when the denominator is 0.
//   macro_accuracy_class{i} = TP/U with NO guard, as in the reference: NaN for a class that is neither present
//     nor predicted anywhere in the evaluated set, and then macro_accuracy_class_avg is NaN too (a mean over a
//     NaN). micro_accuracy = ΣTP/ΣU likewise has no guard (NaN only if no patch has a true or predicted label).
//   These NaNs are kept, not hidden, so results compare with the reference; metricsToJSON writes them as null.
import { OptionError } from "../../core/errors.js";
import { F_BETAS, MACRO_KINDS, type MacroKind, type Metrics, SAMPLE_METRICS, macroAvgKey, macroKey } from "./names.js";
import { fBeta, scoreSample } from "./sample.js";

/** The per-class counts behind the micro and macro metrics (each a Float64Array of length C). */
export interface ClassCounts {
  tp: Float64Array;
  fp: Float64Array;
  tn: Float64Array;
  fn: Float64Array;
}

/** Accumulates the reference's metrics over any number of `add` calls; `result()` may be called at any time. */
export class MetricAccumulator {
  readonly numClasses: number;
  readonly threshold: number;
  private samples = 0;
  private readonly sums: Float64Array = new Float64Array(SAMPLE_METRICS.length);
  private readonly scores: Float64Array = new Float64Array(SAMPLE_METRICS.length);
  private readonly counts: ClassCounts;

  /** `threshold`: a label is predicted when its probability is ≥ threshold (the reference uses 0.5). */
  constructor(numClasses = 19, threshold = 0.5) {
    if (!Number.isInteger(numClasses) || numClasses < 1) {
      throw new OptionError("numClasses", numClasses, "must be a positive integer (19 for BigEarthNet-19)");
    }
    if (!Number.isFinite(threshold)) {
      throw new OptionError("threshold", threshold, "must be a finite number, e.g. 0.5");
    }
    this.numClasses = numClasses;
    this.threshold = threshold;
    this.counts = {
      tp: new Float64Array(numClasses),
      fp: new Float64Array(numClasses),
      tn: new Float64Array(numClasses),
      fn: new Float64Array(numClasses),
    };
  }

  /** Number of patches added so far. */
  get count(): number {
    return this.samples;
  }

  /**
   * Adds n patches. `yTrue`: N×C multi-hot labels (0/1), `probs`: N×C probabilities, both row-major with
   * exactly n·C values (pass `.subarray(0, n * C)` of a larger buffer). The whole batch is checked before
   * anything is counted, so a rejected batch leaves the accumulator unchanged.
   */
  add(yTrue: ArrayLike<number>, probs: ArrayLike<number>, n: number): void {
    const C = this.numClasses;
    if (!Number.isInteger(n) || n < 0) {
      throw new OptionError("n", n, "must be a non-negative integer (patches in the batch)");
    }
    if (yTrue.length !== n * C) {
      throw new OptionError("yTrue.length", yTrue.length, `expected n×C = ${n}×${C} = ${n * C} labels (row-major)`);
    }
    if (probs.length !== n * C) {
      throw new OptionError("probs.length", probs.length,
        `expected n×C = ${n}×${C} = ${n * C} probabilities (row-major)`);
    }
    for (let i = 0; i < n * C; i++) {
      const y = yTrue[i];
      if (y !== 0 && y !== 1) {
        throw new OptionError(`yTrue[row ${Math.floor(i / C)}, class ${i % C}]`, y,
          "must be 0 or 1 (multi-hot labels)");
      }
      if (Number.isNaN(probs[i])) {
        // A NaN has no place in a ranking; it usually means the model diverged.
        throw new OptionError(`probs[row ${Math.floor(i / C)}, class ${i % C}]`, "NaN",
          "must be a number (check the model output)");
      }
    }

    const { tp, fp, tn, fn } = this.counts;
    for (let r = 0; r < n; r++) {
      scoreSample(yTrue, probs, r, C, this.threshold, this.scores);
      for (let m = 0; m < this.sums.length; m++) this.sums[m] = (this.sums[m] as number) + (this.scores[m] as number);
      const o = r * C;
      for (let c = 0; c < C; c++) {
        const inY = yTrue[o + c] === 1;
        const inP = (probs[o + c] as number) >= this.threshold;
        const counter = inY ? (inP ? tp : fn) : inP ? fp : tn;
        counter[c] = (counter[c] as number) + 1;
      }
    }
    this.samples += n;
  }

  /** A copy of the per-class counts (TP, FP, TN, FN), e.g. for a per-class support column. */
  classCounts(): ClassCounts {
    const { tp, fp, tn, fn } = this.counts;
    return { tp: tp.slice(), fp: fp.slice(), tn: tn.slice(), fn: fn.slice() };
  }

  /** The metrics over everything added so far, under the reference's names (see names.ts, Metrics). */
  result(): Metrics {
    const C = this.numClasses;
    const out: Record<string, number> = {};
    SAMPLE_METRICS.forEach((name, m) => {
      out[name] = (this.sums[m] as number) / this.samples; // NaN over zero patches
    });

    const { tp, fp, fn } = this.counts;
    let sTP = 0;
    let sFP = 0;
    let sFN = 0;
    for (let c = 0; c < C; c++) {
      sTP += tp[c] as number;
      sFP += fp[c] as number;
      sFN += fn[c] as number;
    }
    const microP = sTP + sFP === 0 ? 0 : sTP / (sTP + sFP);
    const microR = sTP + sFN === 0 ? 0 : sTP / (sTP + sFN);
    out.micro_precision = microP;
    out.micro_recall = microR;
    out.micro_f0_5_score = fBeta(microP, microR, F_BETAS.f0_5_score);
    out.micro_f1_score = fBeta(microP, microR, F_BETAS.f1_score);
    out.micro_f2_score = fBeta(microP, microR, F_BETAS.f2_score);
    out.micro_accuracy = sTP / (sTP + sFP + sFN); // ΣTP/ΣU, no guard (see the header)

    const perClass = Object.fromEntries(MACRO_KINDS.map((k) => [k, new Float64Array(C)])) as Record<
      MacroKind,
      Float64Array
    >;
    for (let c = 0; c < C; c++) {
      const TP = tp[c] as number;
      const FP = fp[c] as number;
      const FN = fn[c] as number;
      perClass.precision[c] = TP + FP === 0 ? 0 : TP / (TP + FP);
      perClass.recall[c] = TP + FN === 0 ? 0 : TP / (TP + FN);
      perClass.f0_5_score[c] = macroFBeta(TP, FP, FN, F_BETAS.f0_5_score);
      perClass.f1_score[c] = macroFBeta(TP, FP, FN, F_BETAS.f1_score);
      perClass.f2_score[c] = macroFBeta(TP, FP, FN, F_BETAS.f2_score);
      perClass.accuracy[c] = TP / (TP + FP + FN); // TP/U, no guard: NaN for a class never present nor predicted
    }
    // Keys grouped by kind (class0..class{C-1}, then the mean) so the JSON reads down one measure at a time.
    for (const kind of MACRO_KINDS) {
      let sum = 0;
      for (let c = 0; c < C; c++) {
        const v = perClass[kind][c] as number;
        out[macroKey(kind, c)] = v;
        sum += v; // one NaN makes the mean NaN, as numpy's mean does in the reference
      }
      out[macroAvgKey(kind)] = sum / C;
    }
    out.num_samples = this.samples;
    return out as Metrics;
  }
}

/** Per-class F_β from counts: (1+β²)TP / ((1+β²)TP + β²FN + FP), 0 when the denominator is 0. */
function macroFBeta(TP: number, FP: number, FN: number, beta: number): number {
  const b2 = beta * beta;
  const denominator = (1 + b2) * TP + b2 * FN + FP;
  return denominator === 0 ? 0 : ((1 + b2) * TP) / denominator;
}
