// Per-patch scores of the reference's sample-averaged metrics (FACTS.md, "Evaluation metrics of the reference").
// Notation for one patch: Y = true label set, P = predicted set {j : p_j ≥ threshold}, p = probabilities.
import { SAMPLE_METRICS, type SampleMetricName } from "./names.js";

/** Index of each sample metric in a scores vector (the order of SAMPLE_METRICS). */
export const SAMPLE_INDEX = Object.fromEntries(SAMPLE_METRICS.map((name, i) => [name, i])) as {
  readonly [K in SampleMetricName]: number;
};

/** F_β from a precision and a recall: (1+β²)·prec·rec / (β²·prec + rec), and 0 when the denominator is 0. */
export function fBeta(precision: number, recall: number, beta: number): number {
  const b2 = beta * beta;
  const denominator = b2 * precision + recall;
  return denominator === 0 ? 0 : ((1 + b2) * precision * recall) / denominator;
}

/**
 * Scores one patch (row `row` of the row-major N×C arrays) and writes the 13 per-patch values into `out` in
 * SAMPLE_METRICS order. Inputs are assumed valid (labels 0/1, no NaN): the accumulator checks a batch first.
 *
 * Ranking metrics use rank(j) = #{k : p_j ≤ p_k}, ties counted (j counts itself). For j ∈ Y the loop over k
 * splits that count into the k in Y and the k not in Y, which gives all three at once:
 *   coverage     = max_{j∈Y} rank(j)                                    (no −1; 0 if Y is empty)
 *   LRAP         = mean_{j∈Y} #{k∈Y : rank(k) ≤ rank(j)} / rank(j)       (0 if Y is empty)
 *                  where rank(k) ≤ rank(j) ⟺ p_k ≥ p_j, the same test p_j ≤ p_k as in rank(j)
 *   ranking_loss = #{(j∈Y, k∉Y) : p_j ≤ p_k} / (|Y|·|not Y|)            (0 if either set is empty)
 */
export function scoreSample(
  yTrue: ArrayLike<number>,
  probs: ArrayLike<number>,
  row: number,
  numClasses: number,
  threshold: number,
  out: Float64Array,
): void {
  const o = row * numClasses;
  let nY = 0;
  let nP = 0;
  let nBoth = 0; // |Y ∩ P|
  let best = 0; // argmax p, the first index on ties (strict > keeps the earlier one)
  let bestP = probs[o] as number;
  for (let c = 0; c < numClasses; c++) {
    const p = probs[o + c] as number;
    const inY = yTrue[o + c] === 1;
    const inP = p >= threshold;
    if (inY) nY++;
    if (inP) nP++;
    if (inY && inP) nBoth++;
    if (p > bestP) {
      bestP = p;
      best = c;
    }
  }
  const nUnion = nY + nP - nBoth;

  let coverage = 0;
  let lrapSum = 0;
  let wrongPairs = 0;
  for (let j = 0; j < numClasses; j++) {
    if (yTrue[o + j] !== 1) continue;
    const pj = probs[o + j] as number;
    let aboveInY = 0; // k ∈ Y with p_j ≤ p_k (includes j)
    let aboveNotY = 0; // k ∉ Y with p_j ≤ p_k: mis-ordered pairs (j, k), ties counted as wrong
    for (let k = 0; k < numClasses; k++) {
      if (pj <= (probs[o + k] as number)) {
        if (yTrue[o + k] === 1) aboveInY++;
        else aboveNotY++;
      }
    }
    const rank = aboveInY + aboveNotY;
    if (rank > coverage) coverage = rank;
    lrapSum += aboveInY / rank;
    wrongPairs += aboveNotY;
  }
  const nNotY = numClasses - nY;

  const precision = nP === 0 ? 0 : nBoth / nP;
  const recall = nY === 0 ? 0 : nBoth / nY;
  out[SAMPLE_INDEX.sample_precision] = precision;
  out[SAMPLE_INDEX.sample_recall] = recall;
  out[SAMPLE_INDEX.sample_f0_5_score] = fBeta(precision, recall, 0.5);
  out[SAMPLE_INDEX.sample_f1_score] = fBeta(precision, recall, 1);
  out[SAMPLE_INDEX.sample_f2_score] = fBeta(precision, recall, 2);
  // |Y xor P| = |Y ∪ P| − |Y ∩ P|, over all C labels.
  out[SAMPLE_INDEX.hamming_loss] = (nUnion - nBoth) / numClasses;
  // P = Y exactly when the symmetric difference is empty.
  out[SAMPLE_INDEX.subset_accuracy] = nUnion === nBoth ? 1 : 0;
  // Jaccard; 0 (not 1) when both sets are empty, as the reference does.
  out[SAMPLE_INDEX.sample_accuracy] = nUnion === 0 ? 0 : nBoth / nUnion;
  out[SAMPLE_INDEX.one_error] = yTrue[o + best] === 1 ? 0 : 1;
  out[SAMPLE_INDEX.coverage] = coverage;
  out[SAMPLE_INDEX.ranking_loss] = nY === 0 || nNotY === 0 ? 0 : wrongPairs / (nY * nNotY);
  out[SAMPLE_INDEX.label_ranking_avg_precision] = nY === 0 ? 0 : lrapSum / nY;
  out[SAMPLE_INDEX.label_cardinality] = nY;
}
