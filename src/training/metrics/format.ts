// Presenting a Metrics result: JSON for machines (NaN-safe) and a plain-text table for people. Pure functions
// returning strings; the CLI decides where they go.
import { LABELS_19 } from "../../labels/nomenclature.js";
import { MACRO_KINDS, type MacroKind, type Metrics, classCount, classMetric } from "./names.js";

/**
 * JSON text of a result, keys in the result's order. JSON has no NaN, and JSON.stringify would silently write
 * it as null anyway; this makes that explicit and documented: every non-finite value (in practice the NaN of
 * `macro_accuracy_class{i}` for a class neither present nor predicted, the `_class_avg` over it, or a mean over
 * zero samples) is written as null. Read null back as "undefined (0/0)", not as 0.
 */
export function metricsToJSON(m: Metrics, indent = 2): string {
  const finite = (_key: string, value: unknown): unknown =>
    (typeof value === "number" && !Number.isFinite(value) ? null : value);
  return JSON.stringify(m, finite, indent);
}

const COLUMNS: readonly { kind: MacroKind; head: string }[] = [
  { kind: "precision", head: "precision" },
  { kind: "recall", head: "recall" },
  { kind: "f0_5_score", head: "F0.5" },
  { kind: "f1_score", head: "F1" },
  { kind: "f2_score", head: "F2" },
  { kind: "accuracy", head: "accuracy" },
];
const WIDTH = 10;

function num(v: number, digits = 4): string {
  return (Number.isNaN(v) ? "n/a" : v.toFixed(digits)).padStart(WIDTH);
}

function header(first: string, firstWidth: number, last = ""): string {
  return `${first.padEnd(firstWidth)}${COLUMNS.map((c) => c.head.padStart(WIDTH)).join("")}${last}`.trimEnd();
}

/**
 * A readable table of a result: the sample/micro/macro rows of precision, recall, F0.5, F1, F2 and accuracy,
 * the ranking and set metrics, and one row per class (class names from the 19-class nomenclature when the
 * result has 19 classes). Accuracy is Jaccard per sample, ΣTP/ΣU for micro, and the mean of TP/U for macro.
 */
export function formatMetricsTable(m: Metrics): string {
  const C = classCount(m);
  const names: readonly string[] = C === LABELS_19.length
    ? LABELS_19
    : Array.from({ length: C }, (_, i) => `class ${i}`);
  const lines: string[] = [];
  lines.push(`${m.num_samples} ${m.num_samples === 1 ? "patch" : "patches"}`, "");

  const rows: readonly [string, readonly number[]][] = [
    ["sample", [
      m.sample_precision, m.sample_recall, m.sample_f0_5_score, m.sample_f1_score, m.sample_f2_score, m.sample_accuracy,
    ]],
    ["micro", [
      m.micro_precision, m.micro_recall, m.micro_f0_5_score, m.micro_f1_score, m.micro_f2_score, m.micro_accuracy,
    ]],
    ["macro", MACRO_KINDS.map((k) => m[`macro_${k}_class_avg`])],
  ];
  lines.push(header("averaging", 10));
  for (const [label, values] of rows) lines.push(`${label.padEnd(10)}${values.map((v) => num(v)).join("")}`);
  lines.push("");

  const others: readonly [string, number][] = [
    ["hamming_loss", m.hamming_loss],
    ["subset_accuracy", m.subset_accuracy],
    ["one_error", m.one_error],
    ["coverage", m.coverage],
    ["ranking_loss", m.ranking_loss],
    ["label_ranking_avg_precision", m.label_ranking_avg_precision],
    ["label_cardinality", m.label_cardinality],
  ];
  for (const [name, v] of others) lines.push(`${name.padEnd(28)}${num(v).trimStart()}`);
  lines.push("");

  lines.push(header(" #", 4, "  class"));
  let sawNaN = false;
  for (let c = 0; c < C; c++) {
    const values = COLUMNS.map((col) => classMetric(m, col.kind, c));
    sawNaN ||= values.some(Number.isNaN);
    lines.push(`${String(c).padStart(2)}  ${values.map((v) => num(v)).join("")}  ${names[c]}`);
  }
  if (sawNaN) lines.push("", "n/a: the class is neither present nor predicted in this set (accuracy TP/U = 0/0).");
  return lines.join("\n") + "\n";
}
