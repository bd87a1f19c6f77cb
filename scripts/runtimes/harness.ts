// Runs a runtime-neutral module (one that exports `run(options)` returning a JSON-able report, e.g.
// test/runtimes/suite.mjs) in Node, bun, deno or headless Chromium, on the built dist/. The project's files are
// served read-only over HTTP on 127.0.0.1, so that every runtime can also load the core from a URL and Chromium can
// import the modules. Shared by test/runtimes/runtimes.test.ts and bench/runtimes.bench.ts, so that neither
// imports the other.
import { execFile, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { delimiter, dirname, extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

export const RUNTIMES = ["node", "bun", "deno", "chromium"] as const;
export type Runtime = (typeof RUNTIMES)[number];

/** What a runtime printed: its name and version, and the module's report. */
export interface RuntimeReport {
  runtime: string;
  ok: boolean;
  [key: string]: unknown;
}

const BIN = join(PROJECT_ROOT, "node_modules", ".bin");
const CLI = join(PROJECT_ROOT, "scripts", "runtimes", "cli.mjs");
/** Served folders: the built library and core, and the runtime-neutral modules. */
const SERVED = ["dist", "build", join("test", "runtimes"), "bench"];
const TYPES: Record<string, string> = { ".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm", ".map": "application/json" };
const TIMEOUT_MS = 120_000;

/** Debian's chromium (override with BEN19_CHROMIUM), found on PATH. */
export function chromiumPath(): string | undefined {
  if (process.env.BEN19_CHROMIUM !== undefined) return process.env.BEN19_CHROMIUM;
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    for (const name of ["chromium", "chromium-browser"]) if (existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/** The command line that runs scripts/runtimes/cli.mjs under a JavaScript runtime. */
function commandLine(rt: Exclude<Runtime, "chromium">): [string, string[]] {
  if (rt === "node") return [process.execPath, [CLI]];
  if (rt === "bun") return [join(BIN, "bun"), [CLI]];
  // --no-config/--no-npm: run the one file as a plain ES module, without package.json or node_modules.
  return [join(BIN, "deno"), ["run", "--quiet", "--no-config", "--no-npm", `--allow-read=${PROJECT_ROOT}`, "--allow-net=127.0.0.1", CLI]];
}

/** Why a runtime cannot start here, or undefined when it can. */
export function whyUnavailable(rt: Runtime): string | undefined {
  if (rt === "node") return undefined;
  if (rt === "chromium") {
    const exe = chromiumPath();
    if (exe === undefined || spawnSync(exe, ["--version"], { encoding: "utf8" }).status !== 0) {
      return "headless Chromium (Debian package chromium; or set BEN19_CHROMIUM to its executable)";
    }
    try {
      createRequire(import.meta.url).resolve("playwright-core");
    } catch {
      return "playwright-core (npm install)";
    }
    return undefined;
  }
  const ok = spawnSync(join(BIN, rt), ["--version"], { encoding: "utf8" }).status === 0;
  return ok ? undefined : `${rt} (the npm devDependency ${rt}: npm install)`;
}

/** Serves the project's dist/, build/, test/runtimes/ and bench/ on 127.0.0.1 (GET only); `/` is an empty page. */
export async function serveProject(): Promise<{ base: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    if (req.method !== "GET") return void res.writeHead(405).end();
    if (path === "/") return void res.writeHead(200, { "content-type": "text/html" }).end("<!doctype html><title>ben19 runtimes</title>");
    const rel = normalize(path.slice(1));
    if (!SERVED.some((d) => rel.startsWith(d + sep))) return void res.writeHead(404).end();
    readFile(join(PROJECT_ROOT, rel)).then(
      (body) => res.writeHead(200, { "content-type": TYPES[extname(rel)] ?? "application/octet-stream" }).end(body),
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const { port } = server.address() as AddressInfo;
  return { base: `http://127.0.0.1:${port}`, close: () => new Promise((ok) => server.close(() => ok())) };
}

/** The last line of a runtime's stdout as a report, or an error quoting what it printed. */
function parseReport(rt: Runtime, stdout: string, stderr: string): RuntimeReport {
  const line = stdout.trim().split("\n").pop() ?? "";
  try {
    return JSON.parse(line) as RuntimeReport;
  } catch {
    throw new Error(`${rt} printed no JSON report.\nstdout: ${stdout.slice(-2000)}\nstderr: ${stderr.slice(-2000)}`);
  }
}

async function inProcess(rt: Exclude<Runtime, "chromium">, module: string, options: object): Promise<RuntimeReport & { exitCode: number }> {
  const [cmd, args] = commandLine(rt);
  const env = { ...process.env, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" };
  // Asynchronous on purpose: the served files come from this process, which must keep answering meanwhile.
  return new Promise((resolve, reject) => {
    execFile(cmd, [...args, module, JSON.stringify(options)], { cwd: PROJECT_ROOT, env, timeout: TIMEOUT_MS, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      try {
        const exitCode = err === null ? 0 : typeof err.code === "number" ? err.code : -1;
        resolve({ ...parseReport(rt, stdout, stderr), exitCode });
      } catch (e) {
        reject(e);
      }
    });
  });
}

async function inChromium(module: string, options: object, base: string): Promise<RuntimeReport & { exitCode: number }> {
  const { chromium } = await import("playwright-core");
  const browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, timeout: TIMEOUT_MS });
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(`${base}/`);
    const report = await page.evaluate(
      async ([url, opts]) => {
        try {
          return { ok: true, ...(await (await import(url as string)).run(opts)) };
        } catch (e) {
          return { ok: false, error: String((e as Error)?.stack ?? e) };
        }
      },
      [`${base}/${module}`, options] as const,
    );
    const ok = report.ok !== false && errors.length === 0;
    return { runtime: `chromium ${browser.version()}`, ...report, ok, ...(errors.length > 0 ? { pageErrors: errors } : {}), exitCode: ok ? 0 : 1 };
  } finally {
    await browser.close();
  }
}

/** Runs `module` (a path relative to the project root) in a runtime; `base` is serveProject()'s URL. */
export function runIn(rt: Runtime, module: string, options: object, base: string): Promise<RuntimeReport & { exitCode: number }> {
  return rt === "chromium" ? inChromium(module, options, base) : inProcess(rt, module, options);
}
