// Exit codes of the CLI: 0 ok, 1 a check failed or the data is bad, 2 a usage error, 70 an internal bug.
export const EXIT = { ok: 0, failed: 1, usage: 2, internal: 70 } as const;
