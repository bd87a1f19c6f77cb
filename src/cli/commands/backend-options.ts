// `--backend` and `--threads`, shared by the commands that run a model (train, eval, predict). eval and predict
// also take `--backend onnx`: ONNX Runtime (optional onnxruntime-node) runs the model, tfjs only loads it.
import { Option, type Command } from "commander";
import { ORT_PACKAGE, ortUnavailable } from "../../export/ort.js";
import { BACKEND_CHOICES, selectBackend, type BackendChoice } from "../../runtime/backend.js";
import { MAX_WASM_THREADS } from "../../runtime/wasm-threads.js";
import type { CommandContext } from "../command.js";
import { parseIntegerIn } from "./parse.js";

export const ONNX_BACKEND = "onnx";

export interface BackendFlags {
  backend: BackendChoice;
  threads?: number | undefined;
}

/** The flags of a command that also takes `--backend onnx`. */
export interface RunBackendFlags extends Omit<BackendFlags, "backend"> {
  backend: BackendChoice | typeof ONNX_BACKEND;
}

export function addBackendOptions(cmd: Command, o: { onnx?: boolean } = {}): Command {
  const choices: string[] = o.onnx === true ? [...BACKEND_CHOICES, ONNX_BACKEND] : [...BACKEND_CHOICES];
  const onnx = o.onnx === true ? "; onnx: ONNX Runtime, native CPU kernels" : "";
  const runtime = o.onnx === true ? " or ONNX Runtime" : "";
  return cmd
    .addOption(new Option("--backend <name>", `tfjs backend (auto: node, then wasm, then cpu)${onnx}`)
      .choices(choices).default("auto"))
    .option("--threads <n>", `threads of the wasm backend${runtime}, 1-${MAX_WASM_THREADS} `
      + "(default: BEN19_WASM_THREADS, else every core)",
      parseIntegerIn("--threads", 1, MAX_WASM_THREADS, "1: the single-threaded build"));
}

/**
 * Sets up the backend `f` asks for and says whether ONNX Runtime runs the model. For onnx, tfjs's cpu backend
 * only holds the weights while the model is exported; if onnxruntime-node cannot be loaded, the command says so
 * on stderr and runs on the wasm backend.
 */
export async function startBackend(f: RunBackendFlags, ctx: CommandContext): Promise<{ onnx: boolean }> {
  if (f.backend !== ONNX_BACKEND) {
    await selectBackend(f.backend, { threads: f.threads });
    return { onnx: false };
  }
  const why = await ortUnavailable();
  if (why === undefined) {
    await selectBackend("cpu");
    return { onnx: true };
  }
  ctx.io.err(`ben19: --backend onnx: ${ORT_PACKAGE} cannot be loaded (${why}); using the wasm backend. `
    + `It is an optional dependency: \`npm install ${ORT_PACKAGE}\` (the project's .npmrc skips its CUDA download).\n`);
  await selectBackend("wasm", { threads: f.threads });
  return { onnx: false };
}
