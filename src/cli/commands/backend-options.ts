// `--backend` and `--threads`, shared by the commands that run a model (train, eval, predict).
import { Option, type Command } from "commander";
import { BACKEND_CHOICES, type BackendChoice } from "../../models/backend.js";
import { MAX_WASM_THREADS } from "../../models/wasm-threads.js";
import { parseIntegerIn } from "./parse.js";

export interface BackendFlags {
  backend: BackendChoice;
  threads?: number | undefined;
}

export function addBackendOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option("--backend <name>", "tfjs backend (auto: node, then wasm, then cpu)").choices(BACKEND_CHOICES).default("auto"))
    .option("--threads <n>", `threads of the wasm backend, 1-${MAX_WASM_THREADS} (default: BEN19_WASM_THREADS, else every core)`,
      parseIntegerIn("--threads", 1, MAX_WASM_THREADS, "1: the single-threaded build"));
}
