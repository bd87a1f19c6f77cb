// The web demo's server: node:http, GET and HEAD only, files from the whitelist in routes.ts, streamed. It binds to
// 127.0.0.1 by default: the demo is for the user's own browser, not for a network.
import { createReadStream, existsSync, statSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
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
        "pass --model the folder `ben19 train` wrote (RUN or RUN/model), which holds model.json, weights.bin and ben19.json");
    }
  }
  return dir;
}

function refuse(res: ServerResponse, status: number, reason: string): void {
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8" }).end(`${reason}\n`);
}

function handle(req: IncomingMessage, res: ServerResponse, roots: RouteRoots): void {
  if (req.method !== "GET" && req.method !== "HEAD") return refuse(res, 405, "only GET and HEAD");
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
  res.writeHead(200, { "content-type": route.type, "content-length": size, "cache-control": "no-store" });
  if (req.method === "HEAD") return void res.end();
  createReadStream(route.file).on("error", () => res.destroy()).pipe(res);
}

/** Starts the demo server; resolves once it listens. A port in use is a Ben19Error naming it. */
export async function startServer(o: ServeOptions): Promise<WebServer> {
  if (!Number.isInteger(o.port) || o.port < 0 || o.port > 65535) throw new OptionError("--port", o.port, "expected an integer from 0 to 65535");
  const roots: RouteRoots = { root: o.root ?? PACKAGE_ROOT, modelDir: o.model === undefined ? undefined : checkedModelDir(o.model) };
  const server = createServer((req, res) => handle(req, res, roots));
  await new Promise<void>((ok, fail) => {
    server.once("error", (e: NodeJS.ErrnoException) => {
      const hint = e.code === "EADDRINUSE" ? "another program uses it: pass --port N (or --port 0 for any free port)" : "check --host and --port";
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
