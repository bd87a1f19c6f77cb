// Every JSON file ben19 writes uses snake_case keys (as TF and the reference do), while TypeScript objects use
// camelCase; these convert keys at the file boundary: one object's own (shallow: nested objects keep theirs), or
// a whole document's (deep).

const snake = (k: string): string => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const camel = (k: string): string => k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** `{ lossSum: 1 }` → `{ loss_sum: 1 }`. */
export function snakeKeys<T extends object>(o: T): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [snake(k), v]));
}

/** `{ loss_sum: 1 }` → `{ lossSum: 1 }`; camelCase keys pass unchanged, so files of either style read back. */
export function camelKeys(o: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [camel(k), v]));
}

/** Every key renamed by `name`, through nested objects and arrays. */
function deep(v: unknown, name: (k: string) => string): unknown {
  if (Array.isArray(v)) return v.map((x) => deep(x, name));
  if (typeof v !== "object" || v === null) return v;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [name(k), deep(x, name)]));
}

/** snakeKeys through nested objects and arrays: for documents whose every key is a field name, none data. */
export function snakeKeysDeep(v: unknown): unknown {
  return deep(v, snake);
}

/** camelKeys through nested objects and arrays (the reverse of snakeKeysDeep). */
export function camelKeysDeep(v: unknown): unknown {
  return deep(v, camel);
}
