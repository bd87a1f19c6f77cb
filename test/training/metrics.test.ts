// The reference's evaluation metrics (FACTS.md, "Evaluation metrics of the reference") checked three ways:
// hand-computed cases (the computation is written beside each), an independent slow twin written straight from
// the FACTS.md definitions with sets and literal ranks, and batch-split invariance of the streaming accumulator.
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { OptionError } from "../../src/core/errors.js";
import { LABELS_19 } from "../../src/labels/nomenclature.js";
import {
  MACRO_KINDS,
  MICRO_METRICS,
  MetricAccumulator,
  type Metrics,
  SAMPLE_METRICS,
  classMetric,
  formatMetricsTable,
  macroAvgKey,
  macroKey,
  metricsToJSON,
} from "../../src/training/metrics/index.js";

type Row = { y: readonly number[]; p: readonly number[] };

function evaluate(rows: readonly Row[], numClasses: number, threshold = 0.5): Metrics {
  const acc = new MetricAccumulator(numClasses, threshold);
  acc.add(
    rows.flatMap((r) => r.y),
    rows.flatMap((r) => r.p),
    rows.length,
  );
  return acc.result();
}

function close(actual: number, expected: number, what: string): void {
  if (Number.isNaN(expected)) {
    assert.ok(Number.isNaN(actual), `${what}: expected NaN, got ${actual}`);
    return;
  }
  assert.ok(Math.abs(actual - expected) <= 1e-12 * Math.max(1, Math.abs(expected)), `${what}: expected ${expected}, got ${actual}`);
}

function expectSample(m: Metrics, expected: Partial<Record<(typeof SAMPLE_METRICS)[number], number>>): void {
  for (const [name, v] of Object.entries(expected)) close(m[name as keyof typeof expected], v, name);
}

// ---------------------------------------------------------------------------------------------------------------
// Hand-computed single patches. Notation: Y true set, P = {j : p_j ≥ 0.5}, rank(j) = #{k : p_j ≤ p_k}.

test("a mixed patch: P and Y overlap in one label", () => {
  // y = [1,1,0,0], p = [0.9,0.4,0.6,0.1]: Y = {0,1}, P = {0,2}, Y∩P = {0}, Y∪P = {0,1,2}, Y xor P = {1,2}.
  // prec = 1/2, rec = 1/2, so F_β = 1/2 for every β. hamming = 2/4. Jaccard = 1/3. argmax = 0 ∈ Y → one_error 0.
  // rank(0) = #{p ≥ 0.9} = 1, rank(1) = #{p ≥ 0.4} = |{0,1,2}| = 3 → coverage 3.
  // pairs (j∈Y, k∉Y): (0,2) .9≤.6 no, (0,3) no, (1,2) .4≤.6 yes, (1,3) .4≤.1 no → ranking_loss 1/4.
  // LRAP: j=0: #{k∈Y : rank(k) ≤ 1} = 1 → 1/1; j=1: #{k∈Y : rank(k) ≤ 3} = 2 → 2/3; mean = 5/6.
  const m = evaluate([{ y: [1, 1, 0, 0], p: [0.9, 0.4, 0.6, 0.1] }], 4);
  expectSample(m, {
    sample_precision: 0.5,
    sample_recall: 0.5,
    sample_f0_5_score: 0.5,
    sample_f1_score: 0.5,
    sample_f2_score: 0.5,
    hamming_loss: 0.5,
    subset_accuracy: 0,
    sample_accuracy: 1 / 3,
    one_error: 0,
    coverage: 3,
    ranking_loss: 0.25,
    label_ranking_avg_precision: 5 / 6,
    label_cardinality: 2,
  });
  assert.equal(m.num_samples, 1);
});

test("precision ≠ recall, and ties in the ranking metrics", () => {
  // y = [1,1,1,0,0], p = [0.8,0.2,0.2,0.6,0.1]: Y = {0,1,2}, P = {0,3}, Y∩P = {0}, Y∪P = {0,1,2,3}.
  // prec = 1/2, rec = 1/3. F1 = 2·(1/6)/(1/2+1/3) = 2/5. F2 = 5·(1/6)/(4·1/2+1/3) = (5/6)/(7/3) = 5/14.
  // F0.5 = 1.25·(1/6)/(0.25·1/2+1/3) = (5/24)/(11/24) = 5/11. hamming = |{1,2,3}|/5 = 3/5. Jaccard = 1/4.
  // argmax = 0 ∈ Y → one_error 0. Ties p1 = p2 = 0.2: rank(0) = 1, rank(1) = rank(2) = #{p ≥ 0.2} = 4 → coverage 4.
  // pairs: (0,3) no, (0,4) no, (1,3) .2≤.6 yes, (1,4) no, (2,3) yes, (2,4) no → 2/6 = 1/3.
  // LRAP: j=0: 1/1; j=1: #{k∈Y : rank(k) ≤ 4} = 3 → 3/4; j=2: 3/4; mean = (1+3/4+3/4)/3 = 5/6.
  const m = evaluate([{ y: [1, 1, 1, 0, 0], p: [0.8, 0.2, 0.2, 0.6, 0.1] }], 5);
  expectSample(m, {
    sample_precision: 1 / 2,
    sample_recall: 1 / 3,
    sample_f1_score: 2 / 5,
    sample_f2_score: 5 / 14,
    sample_f0_5_score: 5 / 11,
    hamming_loss: 3 / 5,
    subset_accuracy: 0,
    sample_accuracy: 1 / 4,
    one_error: 0,
    coverage: 4,
    ranking_loss: 1 / 3,
    label_ranking_avg_precision: 5 / 6,
    label_cardinality: 3,
  });
});

test("all probabilities tied: ties count against the ranking, and p = threshold is predicted", () => {
  // y = [1,0,0,1], p = 0.5 everywhere: P = all (0.5 ≥ 0.5). prec = 2/4, rec = 1, Jaccard = 2/4, hamming = 2/4.
  // argmax on ties is the first index, 0 ∈ Y → one_error 0. rank(j) = 4 for all j → coverage 4.
  // all 2·2 pairs tie (p_j ≤ p_k) → ranking_loss 4/4 = 1. LRAP: each j∈Y: #{k∈Y : rank ≤ 4} = 2 → 2/4; mean 1/2.
  // F1 = 2·(1/2)/(3/2) = 2/3; F2 = 5·(1/2)/(4·1/2+1) = 5/6; F0.5 = 1.25·(1/2)/(1/8+1) = 5/9.
  const m = evaluate([{ y: [1, 0, 0, 1], p: [0.5, 0.5, 0.5, 0.5] }], 4);
  expectSample(m, {
    sample_precision: 0.5,
    sample_recall: 1,
    sample_f1_score: 2 / 3,
    sample_f2_score: 5 / 6,
    sample_f0_5_score: 5 / 9,
    hamming_loss: 0.5,
    sample_accuracy: 0.5,
    one_error: 0,
    coverage: 4,
    ranking_loss: 1,
    label_ranking_avg_precision: 0.5,
  });
});

test("one_error takes the first index of a tied maximum", () => {
  // p = [0.7,0.7,0.1]: argmax on the tie is index 0. Y = {1} → 0 ∉ Y → 1; Y = {0} → 0.
  assert.equal(evaluate([{ y: [0, 1, 0], p: [0.7, 0.7, 0.1] }], 3).one_error, 1);
  assert.equal(evaluate([{ y: [1, 0, 0], p: [0.7, 0.7, 0.1] }], 3).one_error, 0);
});

test("empty Y: recall, coverage, ranking_loss and LRAP are 0; one_error is 1", () => {
  // y = [0,0,0], p = [0.6,0.2,0.1]: P = {0}. prec = 0/1 = 0, rec = 0 (Y empty), F = 0. hamming = 1/3.
  // Jaccard = 0/1 = 0. argmax 0 ∉ Y → one_error 1. Y empty → coverage 0, ranking_loss 0, LRAP 0 (sklearn says 1
  // here; the reference says 0 and we follow the reference). cardinality 0.
  const m = evaluate([{ y: [0, 0, 0], p: [0.6, 0.2, 0.1] }], 3);
  expectSample(m, {
    sample_precision: 0,
    sample_recall: 0,
    sample_f0_5_score: 0,
    sample_f1_score: 0,
    sample_f2_score: 0,
    hamming_loss: 1 / 3,
    subset_accuracy: 0,
    sample_accuracy: 0,
    one_error: 1,
    coverage: 0,
    ranking_loss: 0,
    label_ranking_avg_precision: 0,
    label_cardinality: 0,
  });
});

test("empty P: precision is 0, the ranking metrics still use the probabilities", () => {
  // y = [1,0,0], p = [0.4,0.3,0.1]: P = {}. prec = 0 (P empty), rec = 0/1, F = 0. hamming = |{0}|/3 = 1/3.
  // Jaccard = 0/1. argmax 0 ∈ Y → 0. rank(0) = 1 → coverage 1. pairs (0,1), (0,2): .4 ≤ .3? no → 0. LRAP 1/1.
  const m = evaluate([{ y: [1, 0, 0], p: [0.4, 0.3, 0.1] }], 3);
  expectSample(m, {
    sample_precision: 0,
    sample_recall: 0,
    sample_f1_score: 0,
    hamming_loss: 1 / 3,
    subset_accuracy: 0,
    sample_accuracy: 0,
    one_error: 0,
    coverage: 1,
    ranking_loss: 0,
    label_ranking_avg_precision: 1,
    label_cardinality: 1,
  });
});

test("both Y and P empty: a subset match, but Jaccard is 0 (the reference's rule)", () => {
  // y = [0,0,0], p = [0.1,0.2,0.3]: P = {} = Y → subset 1, hamming 0, Jaccard 0 (both empty), prec = rec = 0.
  // argmax = 2 ∉ Y → one_error 1. coverage, ranking_loss, LRAP, cardinality 0.
  const m = evaluate([{ y: [0, 0, 0], p: [0.1, 0.2, 0.3] }], 3);
  expectSample(m, {
    sample_precision: 0,
    sample_recall: 0,
    sample_f1_score: 0,
    hamming_loss: 0,
    subset_accuracy: 1,
    sample_accuracy: 0,
    one_error: 1,
    coverage: 0,
    ranking_loss: 0,
    label_ranking_avg_precision: 0,
    label_cardinality: 0,
  });
});

test("all correct", () => {
  // y = [1,0,1], p = [0.9,0.1,0.8]: P = Y = {0,2}. prec = rec = F = Jaccard = subset = 1, hamming 0, one_error 0.
  // rank(0) = 1, rank(2) = 2 → coverage 2; no pair mis-ordered → 0; LRAP: 1/1, 2/2 → 1.
  const m = evaluate([{ y: [1, 0, 1], p: [0.9, 0.1, 0.8] }], 3);
  expectSample(m, {
    sample_precision: 1,
    sample_recall: 1,
    sample_f0_5_score: 1,
    sample_f1_score: 1,
    sample_f2_score: 1,
    hamming_loss: 0,
    subset_accuracy: 1,
    sample_accuracy: 1,
    one_error: 0,
    coverage: 2,
    ranking_loss: 0,
    label_ranking_avg_precision: 1,
    label_cardinality: 2,
  });
});

test("all wrong", () => {
  // y = [1,0,1], p = [0.1,0.9,0.2]: P = {1}, Y∩P = {}. prec = rec = F = 0, hamming 3/3, Jaccard 0/3, one_error 1.
  // rank(0) = #{p ≥ 0.1} = 3, rank(2) = #{p ≥ 0.2} = 2 → coverage 3. pairs (0,1), (2,1) both wrong → 2/2 = 1.
  // LRAP: j=0: #{k∈Y : rank(k) ≤ 3} = 2 → 2/3; j=2: #{rank ≤ 2} = 1 → 1/2; mean = 7/12.
  const m = evaluate([{ y: [1, 0, 1], p: [0.1, 0.9, 0.2] }], 3);
  expectSample(m, {
    sample_precision: 0,
    sample_recall: 0,
    sample_f1_score: 0,
    hamming_loss: 1,
    subset_accuracy: 0,
    sample_accuracy: 0,
    one_error: 1,
    coverage: 3,
    ranking_loss: 1,
    label_ranking_avg_precision: 7 / 12,
    label_cardinality: 2,
  });
});

test("Y = every label: ranking_loss is 0 (no negative label), LRAP is 1", () => {
  // y = [1,1], p = [0.3,0.9]: rank(0) = 2, rank(1) = 1 → coverage 2. |not Y| = 0 → ranking_loss 0.
  // LRAP: j=0: #{k : rank ≤ 2} = 2 → 2/2; j=1: 1/1 → 1.
  const m = evaluate([{ y: [1, 1], p: [0.3, 0.9] }], 2);
  expectSample(m, { coverage: 2, ranking_loss: 0, label_ranking_avg_precision: 1, one_error: 0 });
});

test("ranking metrics equal sklearn's on the examples of its documentation", () => {
  // sklearn label_ranking_average_precision_score: mean over j∈Y of |{k∈Y : p_k ≥ p_j}| / |{k : p_k ≥ p_j}|,
  // which is ours because rank(k) ≤ rank(j) ⟺ p_k ≥ p_j (they differ only for an empty Y: sklearn 1, ours 0).
  // y = [[1,0,0],[0,0,1]], p = [[0.75,0.5,1],[1,0.2,0.1]]:
  //   patch 1: Y = {0}, |{k : p_k ≥ 0.75}| = |{0,2}| = 2 → 1/2.  patch 2: Y = {2}, |{k : p_k ≥ 0.1}| = 3 → 1/3.
  //   LRAP = (1/2 + 1/3)/2 = 5/12 = 0.41666…, the value sklearn's documentation prints.
  // label_ranking_loss on the same data (sklearn doc: 0.75): patch 1: (0,1) .75≤.5 no, (0,2) .75≤1 yes → 1/2;
  //   patch 2: (2,0) yes, (2,1) .1≤.2 yes → 2/2; mean 3/4.
  const m = evaluate(
    [
      { y: [1, 0, 0], p: [0.75, 0.5, 1] },
      { y: [0, 0, 1], p: [1, 0.2, 0.1] },
    ],
    3,
  );
  close(m.label_ranking_avg_precision, 5 / 12, "LRAP");
  close(m.ranking_loss, 0.75, "ranking_loss");
  // coverage_error (sklearn doc: 1.5): y = [[1,0,0],[0,1,1]], p = [[1,0,0],[0,1,1]]: patch 1 rank(0) = 1;
  //   patch 2 rank(1) = rank(2) = 2 (tied) → max 2; mean 1.5. sklearn's coverage counts ties and has no −1 either.
  const c = evaluate(
    [
      { y: [1, 0, 0], p: [1, 0, 0] },
      { y: [0, 1, 1], p: [0, 1, 1] },
    ],
    3,
  );
  close(c.coverage, 1.5, "coverage");
});

// ---------------------------------------------------------------------------------------------------------------
// Hand-computed micro and macro metrics over a small set.

test("micro and macro metrics from per-class counts, with a NaN class accuracy", () => {
  // C = 3, four patches (P = {j : p_j ≥ 0.5}):
  //   s1 y [1,0,0] p [0.9,0.6,0.1] P {0,1}   class0 TP, class1 FP, class2 TN
  //   s2 y [1,1,0] p [0.2,0.7,0.3] P {1}     class0 FN, class1 TP, class2 TN
  //   s3 y [0,1,0] p [0.1,0.4,0.2] P {}      class0 TN, class1 FN, class2 TN
  //   s4 y [0,1,0] p [0.6,0.1,0.0] P {0}     class0 FP, class1 FN, class2 TN
  // class0: TP1 FP1 FN1 TN1, U 3 → prec 1/2, rec 1/2, F_β = (1+β²)/((1+β²)+β²+1) = 1/2 for all β, acc 1/3.
  // class1: TP1 FP1 FN2 TN0, U 4 → prec 1/2, rec 1/3, F1 = 2/(2+2+1) = 2/5, F2 = 5/(5+8+1) = 5/14,
  //         F0.5 = 1.25/(1.25+0.5+1) = 5/11, acc 1/4.
  // class2: TP0 FP0 FN0 TN4, U 0 → prec 0, rec 0, F 0 (guards), acc 0/0 = NaN (no guard, as the reference).
  // avgs: prec (1/2+1/2+0)/3 = 1/3, rec (1/2+1/3+0)/3 = 5/18, F1 (1/2+2/5)/3 = 3/10, F2 (1/2+5/14)/3 = 2/7,
  //       F0.5 (1/2+5/11)/3 = 7/22, acc NaN.
  // micro: ΣTP 2, ΣFP 2, ΣFN 3 → P 1/2, R 2/5, F1 = 2·(1/5)/(9/10) = 4/9, F2 = 5·(1/5)/(2+2/5) = 5/12,
  //        F0.5 = 1.25·(1/5)/(1/8+2/5) = 10/21, accuracy ΣTP/ΣU = 2/7.
  // sample precision: s1 1/2, s2 1/1, s3 0 (P empty), s4 0/1 → 3/8; recall: 1, 1/2, 0, 0 → 3/8; cardinality 5/4.
  const acc = new MetricAccumulator(3);
  acc.add([1, 0, 0, 1, 1, 0, 0, 1, 0, 0, 1, 0], [0.9, 0.6, 0.1, 0.2, 0.7, 0.3, 0.1, 0.4, 0.2, 0.6, 0.1, 0.0], 4);
  const m = acc.result();
  const expected: Record<string, number> = {
    macro_precision_class0: 1 / 2,
    macro_recall_class0: 1 / 2,
    macro_f0_5_score_class0: 1 / 2,
    macro_f1_score_class0: 1 / 2,
    macro_f2_score_class0: 1 / 2,
    macro_accuracy_class0: 1 / 3,
    macro_precision_class1: 1 / 2,
    macro_recall_class1: 1 / 3,
    macro_f0_5_score_class1: 5 / 11,
    macro_f1_score_class1: 2 / 5,
    macro_f2_score_class1: 5 / 14,
    macro_accuracy_class1: 1 / 4,
    macro_precision_class2: 0,
    macro_recall_class2: 0,
    macro_f0_5_score_class2: 0,
    macro_f1_score_class2: 0,
    macro_f2_score_class2: 0,
    macro_accuracy_class2: NaN,
    macro_precision_class_avg: 1 / 3,
    macro_recall_class_avg: 5 / 18,
    macro_f1_score_class_avg: 3 / 10,
    macro_f2_score_class_avg: 2 / 7,
    macro_f0_5_score_class_avg: 7 / 22,
    macro_accuracy_class_avg: NaN,
    micro_precision: 1 / 2,
    micro_recall: 2 / 5,
    micro_f1_score: 4 / 9,
    micro_f2_score: 5 / 12,
    micro_f0_5_score: 10 / 21,
    micro_accuracy: 2 / 7,
    sample_precision: 3 / 8,
    sample_recall: 3 / 8,
    subset_accuracy: 0,
    label_cardinality: 5 / 4,
  };
  for (const [k, v] of Object.entries(expected)) close((m as unknown as Record<string, number>)[k] as number, v, k);
  const counts = acc.classCounts();
  assert.deepEqual([...counts.tp], [1, 1, 0]);
  assert.deepEqual([...counts.fp], [1, 1, 0]);
  assert.deepEqual([...counts.fn], [1, 2, 0]);
  assert.deepEqual([...counts.tn], [1, 0, 4]);

  // JSON: the NaNs become null, everything else round-trips exactly.
  const json = JSON.parse(metricsToJSON(m)) as Record<string, number | null>;
  assert.equal(json.macro_accuracy_class2, null);
  assert.equal(json.macro_accuracy_class_avg, null);
  assert.equal(json.micro_accuracy, 2 / 7);
  assert.equal(json.num_samples, 4);
});

test("zero denominators of micro precision/recall are 0; micro accuracy over no labels at all is NaN", () => {
  // Two patches with no true and no predicted label: ΣTP = ΣFP = ΣFN = 0 → micro P = R = F = 0, ΣTP/ΣU = 0/0.
  const m = evaluate(
    [
      { y: [0, 0], p: [0.1, 0.2] },
      { y: [0, 0], p: [0.3, 0.0] },
    ],
    2,
  );
  for (const k of ["micro_precision", "micro_recall", "micro_f0_5_score", "micro_f1_score", "micro_f2_score"] as const) {
    assert.equal(m[k], 0, k);
  }
  assert.ok(Number.isNaN(m.micro_accuracy));
});

test("an empty accumulator: sample means are NaN (mean of nothing), num_samples 0", () => {
  const m = new MetricAccumulator().result();
  assert.equal(m.num_samples, 0);
  for (const name of SAMPLE_METRICS) assert.ok(Number.isNaN(m[name]), name);
  assert.doesNotThrow(() => JSON.parse(metricsToJSON(m)));
});

test("a result has exactly the reference's names for 19 classes, plus num_samples", () => {
  const m = new MetricAccumulator().result();
  const expected = new Set<string>([...SAMPLE_METRICS, ...MICRO_METRICS, "num_samples"]);
  for (const kind of MACRO_KINDS) {
    for (let i = 0; i < 19; i++) expected.add(`macro_${kind}_class${i}`);
    expected.add(`macro_${kind}_class_avg`);
  }
  assert.deepEqual(new Set(Object.keys(m)), expected);
  assert.equal(Object.keys(m).length, 13 + 6 + 6 * 20 + 1);
});

// ---------------------------------------------------------------------------------------------------------------
// Input checks.

test("bad inputs are rejected with a named OptionError and leave the accumulator unchanged", () => {
  assert.throws(() => new MetricAccumulator(0), OptionError);
  assert.throws(() => new MetricAccumulator(2.5), OptionError);
  assert.throws(() => new MetricAccumulator(19, Number.NaN), OptionError);
  const acc = new MetricAccumulator(2);
  acc.add([1, 0], [0.9, 0.1], 1);
  const before = acc.result();
  assert.throws(() => acc.add([1, 0, 1], [0.9, 0.1], 1), /yTrue\.length: got 3, expected n×C = 1×2 = 2/);
  assert.throws(() => acc.add([1, 0], [0.9], 1), /probs\.length/);
  // the bad value is in the second row: the first must not have been counted
  assert.throws(() => acc.add([1, 0, 0.5, 1], [0.9, 0.1, 0.3, 0.2], 2), /yTrue\[row 1, class 0\]: got 0\.5/);
  assert.throws(() => acc.add([1, 0, 0, 1], [0.9, 0.1, 0.3, Number.NaN], 2), /probs\[row 1, class 1\]/);
  assert.throws(() => acc.add([], [], -1), OptionError);
  assert.deepEqual(acc.result(), before);
});

test("typed arrays (Float32Array probabilities, Uint8Array labels) are accepted", () => {
  const a = new MetricAccumulator(3);
  a.add(new Uint8Array([1, 0, 1]), new Float32Array([0.9, 0.1, 0.8]), 1);
  assert.equal(a.result().subset_accuracy, 1);
});

// ---------------------------------------------------------------------------------------------------------------
// The slow twin: per patch, with sets, ranks computed literally, and counts from set membership. It shares no
// code with src/training/metrics (not even fBeta) so that a mistake in the accumulator cannot hide in both.

function slowMetrics(rows: readonly Row[], C: number, threshold: number): Record<string, number> {
  const f = (prec: number, rec: number, beta: number): number =>
    beta * beta * prec + rec === 0 ? 0 : ((1 + beta * beta) * prec * rec) / (beta * beta * prec + rec);
  const labels = [...Array(C).keys()];
  const perSample: Record<string, number>[] = rows.map(({ y, p }) => {
    const Y = new Set(labels.filter((j) => y[j] === 1));
    const P = new Set(labels.filter((j) => (p[j] as number) >= threshold));
    const inter = [...Y].filter((j) => P.has(j)).length;
    const union = new Set([...Y, ...P]).size;
    const xor = [...Y].filter((j) => !P.has(j)).length + [...P].filter((j) => !Y.has(j)).length;
    const prec = P.size === 0 ? 0 : inter / P.size;
    const rec = Y.size === 0 ? 0 : inter / Y.size;
    const rank = (j: number): number => labels.filter((k) => (p[j] as number) <= (p[k] as number)).length;
    let top = 0;
    for (const k of labels) if ((p[k] as number) > (p[top] as number)) top = k;
    const notY = labels.filter((k) => !Y.has(k));
    let wrong = 0;
    for (const j of Y) for (const k of notY) if ((p[j] as number) <= (p[k] as number)) wrong++;
    const lrapTerms = [...Y].map((j) => [...Y].filter((k) => rank(k) <= rank(j)).length / rank(j));
    return {
      sample_precision: prec,
      sample_recall: rec,
      sample_f0_5_score: f(prec, rec, 0.5),
      sample_f1_score: f(prec, rec, 1),
      sample_f2_score: f(prec, rec, 2),
      hamming_loss: xor / C,
      subset_accuracy: xor === 0 ? 1 : 0,
      sample_accuracy: union === 0 ? 0 : inter / union,
      one_error: Y.has(top) ? 0 : 1,
      coverage: Y.size === 0 ? 0 : Math.max(...[...Y].map(rank)),
      ranking_loss: Y.size === 0 || notY.length === 0 ? 0 : wrong / (Y.size * notY.length),
      label_ranking_avg_precision: Y.size === 0 ? 0 : lrapTerms.reduce((a, b) => a + b, 0) / Y.size,
      label_cardinality: Y.size,
    };
  });
  const out: Record<string, number> = {};
  for (const name of SAMPLE_METRICS) out[name] = perSample.reduce((a, s) => a + (s[name] as number), 0) / rows.length;

  const count = (c: number, truth: boolean, pred: boolean): number =>
    rows.filter((r) => (r.y[c] === 1) === truth && ((r.p[c] as number) >= threshold) === pred).length;
  let TPs = 0;
  let FPs = 0;
  let FNs = 0;
  let Us = 0;
  const macro: Record<string, number[]> = Object.fromEntries(MACRO_KINDS.map((k) => [k, []]));
  for (const c of labels) {
    const TP = count(c, true, true);
    const FP = count(c, false, true);
    const FN = count(c, true, false);
    const U = rows.filter((r) => r.y[c] === 1 || (r.p[c] as number) >= threshold).length;
    TPs += TP;
    FPs += FP;
    FNs += FN;
    Us += U;
    const fm = (beta: number): number => {
      const d = (1 + beta * beta) * TP + beta * beta * FN + FP;
      return d === 0 ? 0 : ((1 + beta * beta) * TP) / d;
    };
    macro.precision?.push(TP + FP === 0 ? 0 : TP / (TP + FP));
    macro.recall?.push(TP + FN === 0 ? 0 : TP / (TP + FN));
    macro.f0_5_score?.push(fm(0.5));
    macro.f1_score?.push(fm(1));
    macro.f2_score?.push(fm(2));
    macro.accuracy?.push(TP / U);
  }
  for (const kind of MACRO_KINDS) {
    const values = macro[kind] as number[];
    values.forEach((v, c) => (out[macroKey(kind, c)] = v));
    out[macroAvgKey(kind)] = values.reduce((a, b) => a + b, 0) / C;
  }
  const mp = TPs + FPs === 0 ? 0 : TPs / (TPs + FPs);
  const mr = TPs + FNs === 0 ? 0 : TPs / (TPs + FNs);
  Object.assign(out, {
    micro_precision: mp,
    micro_recall: mr,
    micro_f0_5_score: f(mp, mr, 0.5),
    micro_f1_score: f(mp, mr, 1),
    micro_f2_score: f(mp, mr, 2),
    micro_accuracy: TPs / Us,
    num_samples: rows.length,
  });
  return out;
}

/** Random patches with many ties: probabilities drawn partly from a few repeated values (incl. the threshold). */
const arbCase = fc
  .record({
    C: fc.oneof(fc.integer({ min: 1, max: 6 }), fc.constant(19)),
    n: fc.integer({ min: 0, max: 25 }),
    threshold: fc.oneof(fc.constant(0.5), fc.constantFrom(0, 0.25, 1), fc.double({ min: 0, max: 1, noNaN: true })),
  })
  .chain(({ C, n, threshold }) =>
    fc.record({
      C: fc.constant(C),
      threshold: fc.constant(threshold),
      rows: fc.array(
        fc.record({
          y: fc.array(fc.oneof({ arbitrary: fc.constant(0), weight: 3 }, { arbitrary: fc.constant(1), weight: 1 }), {
            minLength: C,
            maxLength: C,
          }),
          p: fc.array(
            fc.oneof(fc.constantFrom(0, 0.1, 0.25, 0.5, 0.75, 1, threshold), fc.double({ min: 0, max: 1, noNaN: true })),
            { minLength: C, maxLength: C },
          ),
        }),
        { minLength: n, maxLength: n },
      ),
    }),
  );

test("the accumulator equals the slow twin written from the FACTS.md definitions (random, with ties)", () => {
  fc.assert(
    fc.property(arbCase, ({ C, threshold, rows }) => {
      const fast = evaluate(rows, C, threshold) as unknown as Record<string, number>;
      const slow = slowMetrics(rows, C, threshold);
      assert.deepEqual(Object.keys(fast).sort(), Object.keys(slow).sort());
      for (const [k, v] of Object.entries(slow)) close(fast[k] as number, v, k);
    }),
    { numRuns: 300 },
  );
});

test("batch-split invariance: any split into batches gives exactly the one-batch result", () => {
  fc.assert(
    fc.property(arbCase, fc.array(fc.integer({ min: 0, max: 25 }), { maxLength: 6 }), ({ C, threshold, rows }, cuts) => {
      const whole = evaluate(rows, C, threshold);
      const bounds = [...new Set([0, ...cuts.map((c) => Math.min(c, rows.length)), rows.length])].sort((a, b) => a - b);
      const acc = new MetricAccumulator(C, threshold);
      const y = new Float64Array(rows.flatMap((r) => r.y));
      const p = new Float32Array(rows.flatMap((r) => r.p)); // float32 like a model's output: both sides see it
      const one = new MetricAccumulator(C, threshold);
      one.add(y, p, rows.length);
      for (let b = 0; b + 1 < bounds.length; b++) {
        const lo = bounds[b] as number;
        const hi = bounds[b + 1] as number;
        acc.add(y.subarray(lo * C, hi * C), p.subarray(lo * C, hi * C), hi - lo);
      }
      // Same patches, same order → same float64 running sums: bit-identical, NaN included (deepEqual uses Object.is).
      assert.deepEqual(acc.result(), one.result());
      assert.equal(whole.num_samples, rows.length);
    }),
    { numRuns: 200 },
  );
});

// ---------------------------------------------------------------------------------------------------------------
// Presentation.

test("formatMetricsTable shows the three averaging rows, the ranking metrics and every class by name", () => {
  const acc = new MetricAccumulator();
  const y = new Array<number>(19).fill(0);
  const p = new Array<number>(19).fill(0.1);
  y[2] = 1;
  p[2] = 0.9; // only Arable land is present and predicted: every other class accuracy is 0/0
  acc.add(y, p, 1);
  const m = acc.result();
  const text = formatMetricsTable(m);
  assert.match(text, /^1 patch\n/);
  assert.match(text, /^sample +1\.0000 +1\.0000 +1\.0000 +1\.0000 +1\.0000 +1\.0000$/m);
  assert.match(text, /^micro +1\.0000/m);
  assert.match(text, /^macro +0\.0526 +0\.0526 .* +n\/a$/m); // 1/19 and the NaN average of accuracy
  assert.match(text, /^label_ranking_avg_precision +1\.0000$/m);
  for (const name of LABELS_19) assert.ok(text.includes(name), name);
  assert.match(text, /^ 2 +1\.0000 +1\.0000 +1\.0000 +1\.0000 +1\.0000 +1\.0000  Arable land$/m);
  assert.match(text, /^n\/a: /m);
  assert.equal(classMetric(m, "accuracy", 2), 1);
  assert.throws(() => classMetric(m, "accuracy", 19), OptionError);
});
