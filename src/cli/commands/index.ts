// The registry of CLI commands, in the order `ben19 --help` lists them.
import type { CommandModule } from "../command.js";
import { command as ckpt } from "./ckpt.js";
import { command as evaluate } from "./eval.js";
import { command as exportModel } from "./export.js";
import { command as importTf1 } from "./import-tf1.js";
import { command as inspect } from "./inspect.js";
import { command as mergeManifests } from "./merge-manifests.js";
import { command as models } from "./models.js";
import { command as predict } from "./predict.js";
import { command as prep } from "./prep.js";
import { command as serve } from "./serve.js";
import { command as stats } from "./stats.js";
import { command as synth } from "./synth.js";
import { command as tensor } from "./tensor.js";
import { command as train } from "./train.js";
import { command as verify } from "./verify.js";

export const COMMANDS: readonly CommandModule[] = [
  synth, prep, mergeManifests, verify, inspect, stats, tensor, models, ckpt, importTf1, train, evaluate, predict, exportModel, serve,
];
