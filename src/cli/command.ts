// The shape of one CLI command module. Each file in commands/ exports one CommandModule; index.ts lists them.
import type { Command } from "commander";
import type { Io } from "./io.js";

/** Context handed to every command: the Io and a way to report the exit code of the action. */
export interface CommandContext {
  readonly io: Io;
  /** Records the action's exit code (0 = success). */
  exit(code: number): void;
}

/** A command registers itself (name, options, action) on the root program. */
export interface CommandModule {
  register(program: Command, ctx: CommandContext): void;
}
