// The CLI as a function: run(argv, io) parses, dispatches to a command and returns the exit code.
// It never calls process.exit, so tests drive it in-process; bin/ben19.js is a thin shim around it.
import { Command, CommanderError } from "commander";
import { Ben19Error, OptionError } from "../core/errors.js";
import { osError } from "../core/os-errors.js";
import { VERSION } from "../core/version.js";
import type { CommandContext, CommandModule } from "./command.js";
import { EXIT, USAGE_CODES } from "./exit.js";
import { commandsFor } from "./commands/index.js";
import { processIo, type Io } from "./io.js";

export { EXIT };

function buildProgram(ctx: CommandContext, commands: readonly CommandModule[]): Command {
  const program = new Command("ben19")
    .description("BigEarthNet-S2 (19 classes): TFRecord splits, a WASM core, and the reference models in tfjs")
    .version(VERSION, "-V, --version")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .configureOutput({ writeOut: (s) => ctx.io.out(s), writeErr: (s) => ctx.io.err(s) });
  for (const c of commands) c.register(program, ctx);
  // Sub-commands inherit the output routing and the no-exit behaviour; their --help opens with what they do and
  // marks the options they cannot run without.
  for (const sub of program.commands) {
    sub.exitOverride().configureOutput({ writeOut: (s) => ctx.io.out(s), writeErr: (s) => ctx.io.err(s) });
    const summary = sub.summary();
    if (sub.description() === "") sub.description(`${summary.charAt(0).toUpperCase()}${summary.slice(1)}.`);
    for (const o of sub.options) {
      if (o.mandatory && !o.description.endsWith("(required)")) o.description += " (required)";
    }
  }
  return program;
}

/** The innermost command named in `argv` (e.g. `ckpt list`: its options are the ones that apply), and where its
 * own arguments start. */
function commandIn(program: Command, argv: readonly string[]): { sub: Command | undefined; at: number } {
  let sub: Command | undefined;
  let at = 0;
  for (let next = program.commands.find((c) => c.name() === argv[0]); next !== undefined; at++) {
    sub = next;
    next = sub.commands.find((c) => c.name() === argv[at + 1]);
  }
  return { sub, at };
}

/** An unknown option of the sub-command in `argv`, with the known option it most likely meant. */
function unknownOption(program: Command, argv: readonly string[]): string | undefined {
  const { sub, at } = commandIn(program, argv);
  if (sub === undefined) return undefined;
  const known = sub.options.flatMap((o) => [o.long, o.short]).filter((n): n is string => n !== undefined);
  known.push("--help", "-h");
  for (const arg of argv.slice(at)) {
    if (arg === "--") break;
    const name = arg.split("=")[0] as string;
    if (!/^--?[A-Za-z]/.test(name) || known.includes(name)) continue;
    const near = closest(name, known.filter((k) => k.startsWith("--")));
    return `unknown option '${name}'${near !== undefined ? ` (did you mean ${near}?)` : ""}`;
  }
  return undefined;
}

/** Ignoring case, - and _: `batchSize`, `--batch-size` and `--batch_size` are the same name. */
const optionKey = (s: string): string => s.replace(/^-+/, "").replace(/[-_]/g, "").toLowerCase();

/**
 * A library OptionError names an option by its key (`batchSize`); on the command line the user set it with a flag,
 * so the message names the flag of the running command whose key it is (`--batch-size`), when there is one.
 */
function asFlag(e: Ben19Error, program: Command, argv: readonly string[]): Ben19Error {
  if (!(e instanceof OptionError) || e.option.startsWith("-")) return e;
  const key = optionKey(e.option);
  const flag = commandIn(program, argv).sub?.options.find((o) => o.long !== undefined && optionKey(o.long) === key);
  return flag?.long !== undefined ? e.withLabel(flag.long) : e;
}

/** The candidate nearest to `typed` (a prefix either way, or a few edits apart, ignoring - and _), if any is near. */
function closest(typed: string, candidates: readonly string[]): string | undefined {
  const norm = (s: string): string => s.replace(/^-+/, "").replace(/_/g, "-").toLowerCase();
  const t = norm(typed);
  let best: [string, number] | undefined;
  for (const c of candidates) {
    const n = norm(c);
    const d = n.startsWith(t) || t.startsWith(n) ? 0.5 : editDistance(t, n);
    if (d <= Math.max(2, Math.floor(t.length / 3)) && (best === undefined || d < best[1])) best = [c, d];
  }
  return best?.[0];
}

function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitute = (row[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      next.push(Math.min((row[j] as number) + 1, (next[j - 1] as number) + 1, substitute));
    }
    row = next;
  }
  return row[b.length] as number;
}

/** Runs the CLI with `argv` (without node and script) and returns the process exit code. */
export async function run(argv: readonly string[], io: Io = processIo()): Promise<number> {
  let code: number = EXIT.ok;
  const ctx: CommandContext = { io, exit: (c) => void (code = c) };
  const program = buildProgram(ctx, await commandsFor(argv));
  if (argv.length === 0) {
    io.out(program.helpInformation());
    return EXIT.ok;
  }
  // Commander reports a missing required option before an unknown one, so a misspelt `--root` would be told
  // "-r, --root_folder not specified": name the unknown option first, with the one it most likely meant.
  const unknown = unknownOption(program, argv);
  if (unknown !== undefined) {
    io.err(`error: ${unknown}\n(run with --help for usage)\n`);
    return EXIT.usage;
  }
  try {
    await program.parseAsync([...argv], { from: "user" });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end as "errors" with exit code 0.
      return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    // An OS error on a file (full disk, read-only, no permission, a file for a folder) is the user's to fix.
    const found = e instanceof Ben19Error ? e : osError(e);
    const named = found !== undefined ? asFlag(found, program, argv) : undefined;
    if (named !== undefined) {
      io.err(`ben19: error: ${named.describe()}\n`);
      return USAGE_CODES.has(named.code) ? EXIT.usage : EXIT.failed;
    }
    io.err(`ben19: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return EXIT.internal;
  }
}
