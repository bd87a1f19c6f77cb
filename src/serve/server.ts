// The web demo's server: node:http, GET and HEAD only, files from the whitelist in routes.ts, streamed. It binds to
// 127.0.0.1 by default: the demo is for the user's own browser, not for a network.
import { createHash } from "node:crypto";
import { createReadStream, existsSync, readFileSync, statSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { hostname, networkInterfaces } from "node:os";
import { join } from "node:path";
import { Ben19Error, ModelError, OptionError } from "../core/errors.js";
import { modelDir, TOPOLOGY_FILE, WEIGHTS_FILE } from "../models/io.js";
import { METADATA_FILE } from "../contract/metadata.js";
import { PACKAGE_ROOT, resolveRoute, type RouteRoots } from "./routes.js";

export interface ServeOptions {
  /** A training run folder or model folder to serve under /model/ (optional: the page can also load files). */
  model?: string | undefined;
  /** 0 picks a free port. */
  port: number;
  host: string;
  /** The package root to serve web/, dist/ and build/ from (default: this package). */
  root?: string;
  /** Host names (or addresses) the page may be reached by, besides the bound address and the localhost names. */
  allowHosts?: readonly string[] | undefined;
}

export interface WebServer {
  /** The page's URL, e.g. http://127.0.0.1:8019/ */
  url: string;
  /** The model folder served under /model/, if any. */
  modelDir: string | undefined;
  close(): Promise<void>;
}

/** The model folder of `path` with its three files, or a ModelError naming the missing one. */
function checkedModelDir(path: string): string {
  const dir = modelDir(path);
  for (const f of [TOPOLOGY_FILE, WEIGHTS_FILE, METADATA_FILE]) {
    if (!existsSync(join(dir, f))) {
      throw new ModelError("E_MODEL_FILE", `missing ${f}`, { file: join(dir, f) },
        "pass --model the folder `ben19 train` wrote (RUN or RUN/model), which holds model.json, weights.bin and " +
        "ben19.json");
    }
  }
  return dir;
}

/**
 * The sha256 sources of the page's inline scripts (its import map), so that the policy allows exactly those: an
 * import map cannot be an external file, and hashing the page's own text keeps the policy true when it changes.
 */
function inlineScriptHashes(page: string): string {
  if (!existsSync(page)) return "";
  const bodies = [...readFileSync(page, "utf8").matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)];
  return bodies.map((m) => ` 'sha256-${createHash("sha256").update(m[1] as string).digest("base64")}'`).join("");
}

/**
 * Headers on every answer. The page loads only its own scripts (and its hashed import map), styles and the WASM it
 * is served (no other origin, no framing), responses are never sniffed into another type, and no referrer leaks the
 * URL.
 */
const SECURITY_HEADERS = {
  "content-security-policy": "default-src 'self'; "
    + `script-src 'self' 'wasm-unsafe-eval'${inlineScriptHashes(join(PACKAGE_ROOT, "web", "index.html"))}; `
    + "style-src 'self'; img-src 'self' data: blob:; connect-src 'self' data: blob:; worker-src 'self' blob:; "
    + "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
} as const;

function refuse(res: ServerResponse, status: number, reason: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { ...SECURITY_HEADERS, "content-type": "text/plain; charset=utf-8", ...extra })
    .end(`${reason}\n`);
}

/** The host name of a Host header value ("[::1]:8019" → "::1", "localhost:8019" → "localhost"), lower case. */
export function hostName(header: string): string {
  const h = header.trim().toLowerCase();
  if (h.startsWith("[")) return h.slice(1, h.indexOf("]") > 0 ? h.indexOf("]") : undefined);
  const colon = h.lastIndexOf(":");
  return colon >= 0 && h.indexOf(":") === colon ? h.slice(0, colon) : h;
}

/**
 * The names the server answers to: the localhost names, the bound address and --allow-host's names; bound to all
 * interfaces, also this machine's addresses and host name. A page from elsewhere that rebinds its own DNS name to
 * 127.0.0.1 sends its own name as Host and is refused, so it cannot read a model served here.
 */
function allowedHosts(bound: string, extra: readonly string[]): Set<string> {
  const own = hostName(bound.includes(":") ? `[${bound}]` : bound);
  const names = new Set(["localhost", "127.0.0.1", "::1", own, ...extra.map((h) => h.toLowerCase())]);
  if (bound === "0.0.0.0" || bound === "::") {
    names.add(hostname().toLowerCase());
    for (const list of Object.values(networkInterfaces())) {
      for (const a of list ?? []) names.add(a.address.toLowerCase());
    }
  }
  return names;
}

function handle(req: IncomingMessage, res: ServerResponse, roots: RouteRoots, hosts: ReadonlySet<string>): void {
  const host = req.headers.host;
  if (host === undefined || !hosts.has(hostName(host))) {
    return refuse(res, 421, `this server does not answer to host ${JSON.stringify(host ?? "")}: ` +
      "start it with --allow-host NAME to allow that name");
  }
  if (req.method !== "GET" && req.method !== "HEAD") {
    return refuse(res, 405, "only GET and HEAD", { allow: "GET, HEAD" });
  }
  // The raw request target: the path is resolved here, never normalised by a URL parser first.
  const pathname = (req.url ?? "/").split("?")[0] as string;
  const route = resolveRoute(pathname, roots);
  if ("status" in route) return refuse(res, route.status, route.reason);
  let size: number;
  try {
    const st = statSync(route.file);
    if (!st.isFile()) return refuse(res, 404, "not a file");
    size = st.size;
  } catch {
    return refuse(res, 404, `not found: ${pathname}`);
  }
  res.writeHead(200, {
    ...SECURITY_HEADERS, "content-type": route.type, "content-length": size, "cache-control": "no-store",
  });
  if (req.method === "HEAD") return void res.end();
  createReadStream(route.file).on("error", () => res.destroy()).pipe(res);
}

/** Starts the demo server; resolves once it listens. A port in use is a Ben19Error naming it. */
export async function startServer(o: ServeOptions): Promise<WebServer> {
  if (!Number.isInteger(o.port) || o.port < 0 || o.port > 65535) {
    throw new OptionError("port", o.port, "expected an integer from 0 to 65535");
  }
  const roots: RouteRoots = {
    root: o.root ?? PACKAGE_ROOT, modelDir: o.model === undefined ? undefined : checkedModelDir(o.model),
  };
  const hosts = allowedHosts(o.host, o.allowHosts ?? []);
  const server = createServer((req, res) => handle(req, res, roots, hosts));
  await new Promise<void>((ok, fail) => {
    server.once("error", (e: NodeJS.ErrnoException) => {
      const hint = e.code === "EADDRINUSE"
        ? "another program uses it: pass --port N (or --port 0 for any free port)"
        : "check --host and --port";
      fail(new Ben19Error("E_LISTEN", `cannot listen on ${o.host}:${o.port}: ${e.message}`, {}, hint));
    });
    server.listen(o.port, o.host, ok);
  });
  const { port } = server.address() as AddressInfo;
  const host = o.host.includes(":") ? `[${o.host}]` : o.host;
  return {
    url: `http://${host}:${port}/`,
    modelDir: roots.modelDir,
    close: () => new Promise((ok) => {
      server.closeAllConnections();
      server.close(() => ok());
    }),
  };
}
