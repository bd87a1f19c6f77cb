// Every JSON file ben19 writes uses snake_case keys (as TF and the reference do), while TypeScript objects use
// camelCase; these convert one object's own keys at the file boundary (shallow: nested objects keep theirs).

/** `{ lossSum: 1 }` → `{ loss_sum: 1 }`. */
export function snakeKeys<T extends object>(o: T): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), v]));
}

/** `{ loss_sum: 1 }` → `{ lossSum: 1 }`; camelCase keys pass unchanged, so files of either style read back. */
export function camelKeys(o: object): Record<string, unknown> {
  const camel = (k: string): string => k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [camel(k), v]));
}
