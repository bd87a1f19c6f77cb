// Option-value parsers shared by commands: they name the option in the error so the user knows what to fix.
import { OptionError } from "../../core/errors.js";

/** A commander argParser for an integer option. */
export function parseInteger(option: string): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) {
      throw new OptionError(option, value, "expected an integer");
    }
    return n;
  };
}

/** A commander argParser for a finite number option (e.g. a learning rate written as 1e-3). */
export function parseNumber(option: string): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (value.trim() === "" || !Number.isFinite(n)) throw new OptionError(option, value, "expected a number");
    return n;
  };
}

/** A commander argParser for an integer option within [min, max]; `what` says what the range means. */
export function parseIntegerIn(option: string, min: number, max: number, what = ""): (value: string) => number {
  const integer = parseInteger(option);
  return (value: string) => {
    const n = integer(value);
    const note = what !== "" ? ` (${what})` : "";
    if (n < min || n > max) throw new OptionError(option, n, `expected an integer from ${min} to ${max}${note}`);
    return n;
  };
}

/** A commander argParser for a probability threshold: a label is predicted when its probability is at least it. */
export function parseProbability(option: string): (value: string) => number {
  const number = parseNumber(option);
  return (value: string) => {
    const p = number(value);
    if (p < 0 || p > 1) throw new OptionError(option, p, "expected a probability from 0 to 1, e.g. 0.5");
    return p;
  };
}
