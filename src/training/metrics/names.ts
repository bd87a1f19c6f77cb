// The metric names of the reference's evaluation (bigearthnet-models-tf `eval_result.json`), spelled exactly as
// it spells them so that our `eval` output compares key by key. Definitions: ../shared/bigearthnet/FACTS.md,
// "Evaluation metrics of the reference"; each formula is restated where it is computed (sample.ts, accumulate.ts).
import { OptionError } from "../../core/errors.js";

/** Metrics averaged over samples: each is computed per patch, then the mean over all evaluated patches. */
export const SAMPLE_METRICS = [
  "sample_precision",
  "sample_recall",
  "sample_f0_5_score",
  "sample_f1_score",
  "sample_f2_score",
  "hamming_loss",
  "subset_accuracy",
  "sample_accuracy",
  "one_error",
  "coverage",
  "ranking_loss",
  "label_ranking_avg_precision",
  "label_cardinality",
] as const;
export type SampleMetricName = (typeof SAMPLE_METRICS)[number];

/** Metrics from the per-class counts summed over all classes (ΣTP, ΣFP, ΣFN, ΣU). */
export const MICRO_METRICS = [
  "micro_precision",
  "micro_recall",
  "micro_f0_5_score",
  "micro_f1_score",
  "micro_f2_score",
  "micro_accuracy",
] as const;
export type MicroMetricName = (typeof MICRO_METRICS)[number];

/** The per-class measures; `macro_<kind>_class<i>` per class i and `macro_<kind>_class_avg` their mean. */
export const MACRO_KINDS = ["precision", "recall", "f0_5_score", "f1_score", "f2_score", "accuracy"] as const;
export type MacroKind = (typeof MACRO_KINDS)[number];

/** β of each F-score kind (F_β weighs recall β times as much as precision). */
export const F_BETAS = { f0_5_score: 0.5, f1_score: 1, f2_score: 2 } as const;

/**
 * The result of an evaluation: every reference metric under its reference name, plus `num_samples` (the number of
 * evaluated patches; not a reference metric, recorded so a result says what it averages over).
 * Values are float64. NaN is a legitimate value where the reference divides without a guard
 * (`macro_accuracy_class{i}`, their `_class_avg`, `micro_accuracy`, and sample means over zero samples);
 * `metricsToJSON` writes NaN as null.
 */
export type Metrics = { [K in SampleMetricName | MicroMetricName]: number } & {
  [K in `macro_${MacroKind}_class_avg`]: number;
} & {
  [K in `macro_${MacroKind}_class${number}`]: number;
} & { num_samples: number };

/** The key of one per-class value, e.g. `macroKey("f1_score", 3)` → "macro_f1_score_class3". */
export function macroKey(kind: MacroKind, classIndex: number): `macro_${MacroKind}_class${number}` {
  return `macro_${kind}_class${classIndex}`;
}

/** The key of a per-class mean, e.g. "macro_f1_score_class_avg". */
export function macroAvgKey(kind: MacroKind): `macro_${MacroKind}_class_avg` {
  return `macro_${kind}_class_avg`;
}

/** Reads one per-class value; the template-literal index type makes a plain `m[key]` possibly undefined. */
export function classMetric(m: Metrics, kind: MacroKind, classIndex: number): number {
  const v = m[macroKey(kind, classIndex)];
  if (v === undefined) throw new OptionError("classIndex", classIndex, `must be 0..${classCount(m) - 1}`);
  return v;
}

/** How many classes a result covers (the number of `macro_precision_class{i}` keys). */
export function classCount(m: Metrics): number {
  let c = 0;
  while (macroKey("precision", c) in m) c++;
  return c;
}
