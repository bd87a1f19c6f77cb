// The CLI as a function: run(argv, io) parses, dispatches to a command and returns the exit code.
// It never calls process.exit, so tests drive it in-process; bin/ben19.js is a thin shim around it.
import { Command, CommanderError } from "commander";
import { Ben19Error } from "../core/errors.js";
import { osError } from "../core/os-errors.js";
import { VERSION } from "../core/version.js";
import type { CommandContext, CommandModule } from "./command.js";
import { EXIT } from "./exit.js";
import { COMMANDS } from "./commands/index.js";
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
  // Sub-commands inherit the output routing and the no-exit behaviour.
  for (const sub of program.commands) {
    sub.exitOverride().configureOutput({ writeOut: (s) => ctx.io.out(s), writeErr: (s) => ctx.io.err(s) });
  }
  return program;
}

/** Runs the CLI with `argv` (without node and script) and returns the process exit code. */
export async function run(argv: readonly string[], io: Io = processIo()): Promise<number> {
  let code: number = EXIT.ok;
  const ctx: CommandContext = { io, exit: (c) => void (code = c) };
  const program = buildProgram(ctx, COMMANDS);
  if (argv.length === 0) {
    io.out(program.helpInformation());
    return EXIT.ok;
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
    const named = e instanceof Ben19Error ? e : osError(e);
    if (named !== undefined) {
      io.err(`ben19: error: ${named.describe()}\n`);
      return named.code === "E_OPTION" ? EXIT.usage : EXIT.failed;
    }
    io.err(`ben19: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return EXIT.internal;
  }
}
