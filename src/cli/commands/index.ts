// The registry of CLI commands, in the order `ben19 --help` lists them.
import type { CommandModule } from "../command.js";

export const COMMANDS: readonly CommandModule[] = [];
