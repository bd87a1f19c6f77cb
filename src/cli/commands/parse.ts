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
