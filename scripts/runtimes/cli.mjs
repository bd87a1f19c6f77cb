// Runs one runtime-neutral module's `run(options)` and prints its report as one JSON line; exits 1 when the report
// says `ok: false` (or the module throws). The same file works under node, bun and deno:
//   node|bun scripts/runtimes/cli.mjs MODULE [OPTIONS_JSON]
//   deno run --allow-read --allow-net=127.0.0.1 scripts/runtimes/cli.mjs MODULE [OPTIONS_JSON]
// MODULE is resolved against this folder's parent's parent (the project root); OPTIONS_JSON defaults to {}.
const deno = globalThis.Deno;
const args = deno !== undefined ? deno.args : globalThis.process.argv.slice(2);

function runtime() {
  if (deno !== undefined) return `deno ${deno.version.deno}`;
  if (globalThis.Bun !== undefined) return `bun ${globalThis.Bun.version}`;
  return `node ${globalThis.process.versions.node}`;
}

function exit(code) {
  if (deno !== undefined) deno.exit(code);
  else globalThis.process.exitCode = code;
}

let report;
try {
  const module = await import(new URL(`../../${args[0]}`, import.meta.url).href);
  report = { runtime: runtime(), ...(await module.run(JSON.parse(args[1] ?? "{}"))) };
} catch (e) {
  report = { runtime: runtime(), ok: false, error: String(e?.stack ?? e) };
}
console.log(JSON.stringify(report));
exit(report.ok === false ? 1 : 0);
