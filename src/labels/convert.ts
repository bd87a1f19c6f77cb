// 43-class names → indices → the 19-class multi-hot vector (class i is the OR of its 43-class sources) → names.
import { CLASS_COUNT_19 } from "../core/constants.js";
import { clip, PatchError } from "../core/errors.js";
import { LABELS_19, LABELS_43, TARGET_19 } from "./nomenclature.js";

const INDEX_43 = new Map<string, number>(LABELS_43.map((n, i) => [n, i]));

/** The 43-class indices of label names; PatchError on a name outside the nomenclature. */
export function labels43ToIndices(names: readonly string[], where: { patch?: string; file?: string } = {}): number[] {
  return names.map((n) => {
    const i = INDEX_43.get(n);
    if (i === undefined) {
      const message = `label ${clip(JSON.stringify(n))} is not one of the 43 BigEarthNet classes`;
      const hint = "fix the label name in the JSON file (names are case- and punctuation-sensitive)";
      throw new PatchError("E_UNKNOWN_LABEL", message, where, hint);
    }
    return i;
  });
}

/** The 19-class multi-hot vector of a set of 43-class indices. */
export function multiHot19(labels43: readonly number[]): Uint8Array {
  const hot = new Uint8Array(CLASS_COUNT_19);
  for (const i of labels43) {
    const t = TARGET_19[i];
    if (t !== undefined && t >= 0) hot[t] = 1;
  }
  return hot;
}

/** The 19-class names set in a multi-hot vector, in class-index order. */
export function names19(multiHot: ArrayLike<number>): string[] {
  const out: string[] = [];
  for (let k = 0; k < CLASS_COUNT_19; k++) if (multiHot[k] === 1) out.push(LABELS_19[k] as string);
  return out;
}
