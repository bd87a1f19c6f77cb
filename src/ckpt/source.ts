// Where a checkpoint is: `ckpt list` and `import-tf1` take PREFIX.index, the PREFIX itself, a folder holding one
// checkpoint (searched a few levels down, as zips extract into a sub-folder), or the zip as published. When a
// place holds several checkpoints, TensorFlow's `checkpoint` state file (model_checkpoint_path) picks one;
// otherwise the error lists them.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, join, posix } from "node:path";
import { CheckpointError } from "../core/errors.js";
import { dataFileSuffix, type BundleFiles } from "./bundle.js";
import { ZipReader } from "./zip.js";

export interface CheckpointSource extends BundleFiles {
  /** What the user passed. */
  readonly path: string;
  readonly kind: "zip" | "files";
  /** sha256 of the zip, or of each checkpoint file (name → hex) for a folder or prefix. */
  sha256(): { file: string; sha256: string }[];
  close(): void;
}

const INDEX = ".index";
const SEARCH_DEPTH = 3;

const sha = (b: Uint8Array): string => createHash("sha256").update(b).digest("hex");

function missing(path: string, what: string, hint: string): never {
  throw new CheckpointError("E_CKPT_SOURCE", what, { file: path }, hint);
}

/** The prefix named by TensorFlow's `checkpoint` file text (model_checkpoint_path: "…"), if any. */
function statePrefix(text: string): string | undefined {
  const m = /^model_checkpoint_path:\s*"((?:[^"\\]|\\.)*)"/m.exec(text);
  return m?.[1]?.replace(/\\(.)/g, "$1");
}

/** One prefix out of the `.index` files found; `state(dir)` reads a `checkpoint` file in dir, if there is one. */
function choose(
  path: string, prefixes: string[], state: (dir: string) => string | undefined, join2: (a: string, b: string) => string,
): string {
  if (prefixes.length === 1) return prefixes[0] as string;
  if (prefixes.length === 0) {
    missing(path, "holds no TensorFlow checkpoint (no *.index file)",
      "pass the reference's zip, its extracted folder, or PREFIX.index");
  }
  for (const dir of [...new Set(prefixes.map((p) => posix.dirname(p)))]) {
    const named = state(dir);
    if (named === undefined) continue;
    const full = named.includes("/") && prefixes.includes(named) ? named : join2(dir, posix.basename(named));
    if (prefixes.includes(full)) return full;
  }
  return missing(path, `holds ${prefixes.length} checkpoints: ${prefixes.join(", ")}`,
    "pass one of them as PREFIX or PREFIX.index");
}

function fromZip(path: string): CheckpointSource {
  const zip = new ZipReader(path);
  try {
    const byName = new Map(zip.members.map((m) => [m.name, m]));
    const prefixes = zip.members
      .filter((m) => m.name.endsWith(INDEX) && !m.name.startsWith("__MACOSX/"))
      .map((m) => m.name.slice(0, -INDEX.length));
    const state = (dir: string): string | undefined => {
      const m = byName.get(dir === "." ? "checkpoint" : `${dir}/checkpoint`);
      return m === undefined ? undefined : statePrefix(new TextDecoder().decode(zip.extract(m)));
    };
    const prefix = choose(path, prefixes, state, (a, b) => (a === "." ? b : `${a}/${b}`));
    const member = (name: string): Uint8Array => {
      const m = byName.get(name);
      if (m === undefined) missing(path, `has no member ${name}`, "the zip is incomplete: download it again");
      return zip.extract(m);
    };
    return {
      path, kind: "zip", label: `${path}:${prefix}`,
      index: () => member(`${prefix}${INDEX}`),
      shard: (i, n) => member(`${prefix}${dataFileSuffix(i, n)}`),
      sha256: () => [{ file: basename(path), sha256: sha(readFileSync(path)) }],
      close: () => zip.close(),
    };
  } catch (e) {
    zip.close();
    throw e;
  }
}

function indexFiles(dir: string, depth: number): string[] {
  const out: string[] = [];
  for (const d of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, d.name);
    if (d.isFile() && d.name.endsWith(INDEX)) out.push(p.slice(0, -INDEX.length));
    else if (d.isDirectory() && depth > 0 && d.name !== "__MACOSX") out.push(...indexFiles(p, depth - 1));
  }
  return out.sort();
}

function fromFiles(path: string, prefix: string): CheckpointSource {
  const read = (file: string): Uint8Array => {
    if (!existsSync(file)) {
      missing(file, "is missing",
        "a checkpoint is PREFIX.index plus every PREFIX.data-NNNNN-of-NNNNN file: copy or extract them all");
    }
    return readFileSync(file);
  };
  const own = (f: string): boolean =>
    f.startsWith(`${basename(prefix)}.`) && (f.endsWith(INDEX) || f.includes(".data-"));
  const files = (): string[] => readdirSync(dirname(prefix)).filter(own).sort();
  return {
    path, kind: "files", label: prefix,
    index: () => read(`${prefix}${INDEX}`),
    shard: (i, n) => read(`${prefix}${dataFileSuffix(i, n)}`),
    sha256: () => files().map((f) => ({ file: f, sha256: sha(readFileSync(join(dirname(prefix), f))) })),
    close: () => undefined,
  };
}

/** Opens the checkpoint at `path` (zip, folder, PREFIX.index or PREFIX). */
export function openCheckpoint(path: string): CheckpointSource {
  if (existsSync(path) && statSync(path).isDirectory()) {
    const state = (dir: string): string | undefined => {
      const f = join(dir, "checkpoint");
      return existsSync(f) ? statePrefix(readFileSync(f, "utf8")) : undefined;
    };
    return fromFiles(path, choose(path, indexFiles(path, SEARCH_DEPTH), state, (a, b) => join(a, b)));
  }
  if (existsSync(path) && path.toLowerCase().endsWith(".zip")) return fromZip(path);
  if (path.endsWith(INDEX) && existsSync(path)) return fromFiles(path, path.slice(0, -INDEX.length));
  if (existsSync(`${path}${INDEX}`)) return fromFiles(path, path);
  const data = /^(.*)\.data-\d{5}-of-\d{5}$/.exec(path);
  if (data?.[1] !== undefined && existsSync(`${data[1]}${INDEX}`)) return fromFiles(path, data[1]);
  const what = existsSync(path)
    ? "is not a checkpoint (expected a .zip, a folder, PREFIX.index or PREFIX)"
    : "does not exist";
  return missing(path, what,
    "pass the reference's zip (e.g. K-BranchCNN.zip), its extracted folder, or PREFIX.index");
}
