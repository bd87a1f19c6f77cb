// Exit codes of the CLI: 0 ok, 1 a check failed or the data is bad, 2 a usage error, 70 an internal bug.
export const EXIT = { ok: 0, failed: 1, usage: 2, internal: 70 } as const;

/**
 * Error codes that mean the command line is wrong (exit 2): an option's value, a path that does not exist or is of
 * the wrong kind, an output folder that already holds a run, a --layout the --model cannot take (the fix is a
 * flag). Everything else a user causes is about the data (exit 1).
 */
export const USAGE_CODES: ReadonlySet<string> = new Set(["E_OPTION", "E_NO_PATH", "E_MISSING_ROOT", "E_RUN_EXISTS",
  "E_OUTPUT_EXISTS", "E_MODEL_LAYOUT"]);
