// A tiny tar writer for tests, independent of src/archive/tar.ts: POSIX ustar headers, with long paths written
// in the way the test asks (GNU `L` long-name entries, pax `x` headers, or ustar's prefix field), so that every
// header kind the reader supports is exercised without the system's tar.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export type LongNames = "gnu" | "pax" | "prefix";

export interface TarInput {
  path: string;
  /** File bytes; undefined for a directory entry. */
  data?: Uint8Array | undefined;
}

function field(h: Buffer, off: number, len: number, value: string): void {
  h.write(value, off, len, "utf8");
}

function octal(h: Buffer, off: number, len: number, n: number): void {
  field(h, off, len, `${n.toString(8).padStart(len - 1, "0")}\0`);
}

function header(name: string, size: number, type: string, prefix = ""): Buffer {
  const h = Buffer.alloc(512);
  field(h, 0, 100, name);
  octal(h, 100, 8, type === "5" ? 0o755 : 0o644);
  octal(h, 108, 8, 1000);
  octal(h, 116, 8, 1000);
  octal(h, 124, 12, size);
  octal(h, 136, 12, 1_500_000_000);
  h.fill(0x20, 148, 156);
  field(h, 156, 1, type);
  field(h, 257, 6, "ustar\0");
  field(h, 263, 2, "00");
  field(h, 345, 155, prefix);
  let sum = 0;
  for (const b of h) sum += b;
  field(h, 148, 8, `${sum.toString(8).padStart(6, "0")}\0 `);
  return h;
}

function padded(data: Uint8Array): Buffer[] {
  const pad = (512 - (data.length % 512)) % 512;
  return [Buffer.from(data), Buffer.alloc(pad)];
}

function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let len = body.length + 1;
  while (`${len}${body}`.length !== len) len = `${len}${body}`.length;
  return `${len}${body}`;
}

/** A tar archive of `entries` in the order given, ending with two zero blocks. */
export function writeTar(entries: readonly TarInput[], longNames: LongNames | ((i: number) => LongNames) = "gnu"): Buffer {
  const parts: Buffer[] = [];
  entries.forEach((e, i) => {
    const type = e.data === undefined ? "5" : "0";
    const size = e.data?.length ?? 0;
    const path = e.data === undefined && !e.path.endsWith("/") ? `${e.path}/` : e.path;
    if (Buffer.byteLength(path) <= 100) {
      parts.push(header(path, size, type));
    } else {
      const how = typeof longNames === "function" ? longNames(i) : longNames;
      const cut = path.lastIndexOf("/", path.length - 2);
      if (how === "prefix" && cut > 0 && cut <= 155 && path.length - cut - 1 <= 100) {
        parts.push(header(path.slice(cut + 1), size, type, path.slice(0, cut)));
      } else if (how === "pax") {
        const rec = Buffer.from(paxRecord("path", path));
        parts.push(header("PaxHeaders/x", rec.length, "x"), ...padded(rec), header(path.slice(0, 100), size, type));
      } else {
        const name = Buffer.from(`${path}\0`);
        parts.push(header("././@LongLink", name.length, "L"), ...padded(name), header(path.slice(0, 100), size, type));
      }
    }
    if (e.data !== undefined) parts.push(...padded(e.data));
  });
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

/** The entries of patch folders under `root`, as `<top>/<patch>/<file>`, patch by patch in the order given. */
export function patchEntries(root: string, patches: readonly string[], top = "BigEarthNet-v1.0"): TarInput[] {
  const out: TarInput[] = [{ path: top }];
  for (const p of patches) {
    out.push({ path: `${top}/${p}` });
    for (const f of readdirSync(join(root, p)).sort()) out.push({ path: `${top}/${p}/${f}`, data: readFileSync(join(root, p, f)) });
  }
  return out;
}
