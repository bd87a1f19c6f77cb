// Python's json.dumps format (", " and ": " separators, ensure_ascii), which is how the archive's label files
// are written: used by synth to write files like the real ones and by prep --update_json to keep them that way.

/** Python's json.dumps(s) for a string (ensure_ascii=True): everything outside ' '..'~' is \u-escaped. */
export function pyString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += "\\\\";
    else if (c === 0x0a) out += "\\n";
    else if (c === 0x0d) out += "\\r";
    else if (c === 0x09) out += "\\t";
    else if (c === 0x08) out += "\\b";
    else if (c === 0x0c) out += "\\f";
    else if (c < 0x20 || c > 0x7e) out += `\\u${c.toString(16).padStart(4, "0")}`;
    else out += s[i];
  }
  return `${out}"`;
}

/** Python's json.dumps(value) with default separators, for JSON-parsed data (numbers as JS prints them). */
export function pythonJsonDumps(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "string") return pyString(value);
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") {
    return Number.isFinite(value) ? String(value) : value > 0 ? "Infinity" : value < 0 ? "-Infinity" : "NaN";
  }
  if (Array.isArray(value)) return `[${value.map(pythonJsonDumps).join(", ")}]`;
  if (typeof value === "object") {
    return `{${Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${pyString(k)}: ${pythonJsonDumps(v)}`)
      .join(", ")}}`;
  }
  throw new TypeError(`pythonJsonDumps: cannot serialise a ${typeof value}`);
}

