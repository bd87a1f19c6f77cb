// Option-value parsers shared by commands: they name the option in the error so the user knows what to fix.
import { OptionError } from "../../core/errors.js";

/** A commander argParser for an integer option. */
export function parseInteger(option: string): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) throw new OptionError(option, value, "expected an integer");
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
