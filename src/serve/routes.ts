// What `ben19 serve` may hand out, as a whitelist: the page (web/), the built library modules (dist/**/*.js), the
// WASM core (build/), a fixed list of browser bundles from node_modules (tfjs, its .wasm files, geotiff.js) and
// the three files of one model folder. Anything else, and any path with a `..`, is refused before the file system
// is touched, so no request can reach outside these files.
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, extname, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { TOPOLOGY_FILE, WEIGHTS_FILE } from "../models/io.js";
import { METADATA_FILE } from "../contract/metadata.js";

/** The package root (the folder holding web/, dist/ and build/), from src/serve/ or dist/serve/. */
export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** The browser bundles the page loads, by the name it asks for: [npm package, file in the package]. */
const VENDOR: Readonly<Record<string, readonly [string, string]>> = {
  "tf-core.min.js": ["@tensorflow/tfjs-core", "dist/tf-core.min.js"],
  "tf-layers.min.js": ["@tensorflow/tfjs-layers", "dist/tf-layers.min.js"],
  "tf-backend-cpu.min.js": ["@tensorflow/tfjs-backend-cpu", "dist/tf-backend-cpu.min.js"],
  "tf-backend-wasm.min.js": ["@tensorflow/tfjs-backend-wasm", "dist/tf-backend-wasm.min.js"],
  "tfjs-backend-wasm.wasm": ["@tensorflow/tfjs-backend-wasm", "dist/tfjs-backend-wasm.wasm"],
  "tfjs-backend-wasm-simd.wasm": ["@tensorflow/tfjs-backend-wasm", "dist/tfjs-backend-wasm-simd.wasm"],
  "tfjs-backend-wasm-threaded-simd.wasm": ["@tensorflow/tfjs-backend-wasm",
    "dist/tfjs-backend-wasm-threaded-simd.wasm"],
  "geotiff.js": ["geotiff", "dist-browser/geotiff.js"],
};

const MODEL_FILES: readonly string[] = [TOPOLOGY_FILE, WEIGHTS_FILE, METADATA_FILE];
const BUILD_FILES: readonly string[] = ["core.wasm", "core-wasm.js"];

const TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".wasm": "application/wasm",
  ".png": "image/png",
  ".svg": "image/svg+xml",
  ".bin": "application/octet-stream",
};

/** A request's answer: a file to send, or a refusal with its HTTP status. */
export type Route = { file: string; type: string } | { status: 400 | 403 | 404; reason: string };

export interface RouteRoots {
  /** The package root (web/, dist/, build/ and node_modules resolution). */
  root: string;
  /** The model folder served under /model/, if any. */
  modelDir?: string | undefined;
}

const require = createRequire(import.meta.url);
const packageDirs = new Map<string, string>();

/** The folder of an installed npm package: its entry resolved, then up to the package.json naming it. */
function packageDir(name: string): string {
  let dir = packageDirs.get(name);
  if (dir !== undefined) return dir;
  dir = dirname(require.resolve(name));
  while (!isPackage(dir, name)) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot find the folder of the npm package ${name}`);
    dir = up;
  }
  packageDirs.set(name, dir);
  return dir;
}

function isPackage(dir: string, name: string): boolean {
  const file = join(dir, "package.json");
  return existsSync(file) && (JSON.parse(readFileSync(file, "utf8")) as { name?: string }).name === name;
}

function found(file: string): Route {
  return { file, type: TYPES[extname(file)] ?? "application/octet-stream" };
}

/** `rel` under `dir`, or undefined if it would leave it (checked again after resolving, as a second guard). */
function inside(dir: string, rel: string): string | undefined {
  const file = resolve(dir, rel);
  return file.startsWith(dir + sep) ? file : undefined;
}

/**
 * Where the URL path `pathname` (still percent-encoded, as in the request line) leads. Segments `.` and `..`,
 * backslashes and NUL bytes are refused (403) whether written plainly or percent-encoded.
 */
export function resolveRoute(pathname: string, roots: RouteRoots): Route {
  let path: string;
  try {
    path = decodeURIComponent(pathname);
  } catch {
    return { status: 400, reason: "malformed percent-encoding" };
  }
  const parts = path.split("/").slice(1);
  if (!path.startsWith("/") || parts.some((p) => p === ".." || p === "." || p.includes("\\") || p.includes("\0"))) {
    return { status: 403, reason: "paths may not contain . or .. segments" };
  }
  const [top, ...rest] = parts;
  const rel = rest.join("/");
  const notFound: Route = { status: 404, reason: `not served: ${path}` };
  let file: string | undefined;
  if (path === "/") file = join(roots.root, "web", "index.html");
  else if (top === "web" && rel !== "") file = inside(join(roots.root, "web"), rel);
  else if (top === "dist" && rel.endsWith(".js")) file = inside(join(roots.root, "dist"), rel);
  else if (top === "build" && BUILD_FILES.includes(rel)) file = join(roots.root, "build", rel);
  else if (top === "vendor" && Object.hasOwn(VENDOR, rel)) {
    const [pkg, inPkg] = VENDOR[rel] as readonly [string, string];
    file = join(packageDir(pkg), inPkg);
  } else if (top === "model" && MODEL_FILES.includes(rel)) {
    if (roots.modelDir === undefined) return { status: 404, reason: "no model: start the server with --model RUN" };
    file = join(roots.modelDir, rel);
  }
  return file === undefined ? notFound : found(file);
}
