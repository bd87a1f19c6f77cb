// The registry of CLI commands by the name each registers, in the order `ben19 --help` lists them. A module is
// loaded only when its command runs (or for the full help): `ben19 prep` must not pay the ~0.6 s of CPU it takes
// to load tfjs, which only the model commands use.
import type { CommandModule } from "../command.js";

type Loader = () => Promise<CommandModule>;
const lazy = (load: () => Promise<{ command: CommandModule }>): Loader => async () => (await load()).command;

export const COMMANDS: Readonly<Record<string, Loader>> = {
  synth: lazy(() => import("./synth.js")),
  prep: lazy(() => import("./prep.js")),
  "merge-manifests": lazy(() => import("./merge-manifests.js")),
  verify: lazy(() => import("./verify.js")),
  bench: lazy(() => import("./bench.js")),
  inspect: lazy(() => import("./inspect.js")),
  stats: lazy(() => import("./stats.js")),
  tensor: lazy(() => import("./tensor.js")),
  models: lazy(() => import("./models.js")),
  ckpt: lazy(() => import("./ckpt.js")),
  "import-tf1": lazy(() => import("./import-tf1.js")),
  train: lazy(() => import("./train.js")),
  eval: lazy(() => import("./eval.js")),
  predict: lazy(() => import("./predict.js")),
  export: lazy(() => import("./export.js")),
  serve: lazy(() => import("./serve.js")),
};

/**
 * The modules `argv` needs: none for `--version` (loading every command costs ~1 s of CPU), its command's alone when
 * it names one, else all of them (help, errors).
 */
export function commandsFor(argv: readonly string[]): Promise<CommandModule[]> {
  const first = argv[0];
  if (argv.length === 1 && (first === "-V" || first === "--version")) return Promise.resolve([]);
  const names = first !== undefined && Object.hasOwn(COMMANDS, first) ? [first] : Object.keys(COMMANDS);
  return Promise.all(names.map((n) => (COMMANDS[n] as Loader)()));
}
