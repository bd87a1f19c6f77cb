// `ben19 import-tf1`: the reference's published TensorFlow 1 checkpoints → a ben19 model folder (model.json,
// weights.bin, ben19.json) that predict, eval, serve and `train --init` use. Every ben19 weight is looked up under
// the reference's name (names.ts); all differences (missing, mis-shaped, non-float, unexpected variables of the
// network's scope) are collected and reported together, so one run shows everything that does not fit.
// Optimizer slots and counters are ignored. The folder is written under a temporary name and renamed at the end.
import { DEFAULT_RESAMPLE } from "../contract/layouts.js";
import { existsSync, readdirSync, renameSync, rmSync } from "node:fs";
import { resolve } from "node:path";
import { CheckpointError } from "../core/errors.js";
import { REFERENCE_STATS } from "../core/stats.js";
import { saveModel } from "../models/io.js";
import { makeMetadata } from "../contract/metadata.js";
import { MODELS, type ModelName } from "../models/registry.js";
import { tf, type tfl } from "../runtime/tf.js";
import { readCheckpoint, type Checkpoint } from "./checkpoint.js";
import { inferModel, isTrainingState, TF_SCOPES, tfWeight, type TfWeight } from "./names.js";

export interface ImportOptions {
  /** The zip, folder, PREFIX.index or PREFIX. */
  input: string;
  /** Default: inferred from the variable names. */
  model?: ModelName | undefined;
  out: string;
}

export interface ImportResult {
  model: ModelName;
  out: string;
  checkpoint: string;
  /** Checkpoint tensors loaded into the network. */
  loaded: number;
  /** Values loaded. */
  values: number;
  /** Batch-norm gammas absent from the checkpoint (Slim without scale), set to 1. */
  onesFilled: number;
  /** Checkpoint entries not used: optimizer state, counters, variables outside the network. */
  ignored: string[];
  sources: { file: string; sha256: string }[];
}

/** Scopes of a network's variables: anything under them must be used (else the architectures differ). */
function ownScopes(model: ModelName): string[] {
  if (model !== "kbranch") return [TF_SCOPES[model]];
  return ["CNN_10m_branch/", "CNN_20m_branch/", "CNN_60m_branch/", "feature_fusion/", "classification/"];
}

const shapeText = (s: readonly number[]): string => `[${s.join(", ")}]`;

/** The model the checkpoint holds: as asked (checked), else inferred. */
function resolveModel(c: Checkpoint, asked: ModelName | undefined): ModelName {
  const names = c.reader.entries.map((e) => e.name);
  const inferred = inferModel(names);
  if (asked !== undefined) {
    if (inferred !== undefined && inferred !== asked) {
      const holds = `${MODELS[inferred].title} (variables under ${TF_SCOPES[inferred]})`;
      throw new CheckpointError("E_CKPT_MODEL", `the checkpoint holds ${holds}, not ${MODELS[asked].title}`,
        { file: c.source.path }, `use --model ${inferred}, or leave --model out`);
    }
    return asked;
  }
  if (inferred !== undefined) return inferred;
  const tops = [...new Set(names.filter((n) => !isTrainingState(n)).map((n) => n.split("/")[0]))].slice(0, 8);
  const scopes = tops.join(", ") || "none";
  throw new CheckpointError("E_CKPT_MODEL",
    `cannot tell which network the checkpoint holds (top-level scopes: ${scopes})`,
    { file: c.source.path },
    `expected variables under one of ${Object.values(TF_SCOPES).join(", ")}; pass --model if you know it`);
}

interface Plan {
  weight: tfl.LayerVariable;
  tf: TfWeight;
  /** Absent and to be filled with ones. */
  ones: boolean;
}

/** Matches every weight to its checkpoint tensor; throws one error listing every difference. */
function plan(c: Checkpoint, model: ModelName, net: tfl.LayersModel): Plan[] {
  const problems: string[] = [];
  const used = new Set<string>();
  const hasGamma = c.reader.entries.some((e) => e.name.endsWith("/gamma"));
  const plans: Plan[] = [];
  for (const w of net.weights) {
    const t = tfWeight(model, w.originalName, w.shape as number[]);
    if (t === undefined) {
      problems.push(`ben19 weight ${w.originalName} has no counterpart in the reference's ${MODELS[model].title}`);
      continue;
    }
    used.add(t.name);
    const e = c.reader.entry(t.name);
    if (e === undefined) {
      if (t.onesIfAbsent && !hasGamma) plans.push({ weight: w, tf: t, ones: true });
      else problems.push(`missing ${t.name} ${shapeText(t.shape)}`);
      continue;
    }
    if (e.dtypeName !== "float32") problems.push(`${t.name} is ${e.dtypeName}, expected float32`);
    else if (shapeText(e.shape) !== shapeText(t.shape)) {
      problems.push(`${t.name} has shape ${shapeText(e.shape)}, ben19 expects ${shapeText(t.shape)}`);
    }
    else plans.push({ weight: w, tf: t, ones: false });
  }
  const scopes = ownScopes(model);
  for (const e of c.reader.entries) {
    if (used.has(e.name) || isTrainingState(e.name) || !scopes.some((s) => e.name.startsWith(s))) continue;
    problems.push(`unexpected ${e.name} ${shapeText(e.shape)} (not part of ben19's ${MODELS[model].title})`);
  }
  if (problems.length > 0) {
    const count = `${problems.length} difference${problems.length > 1 ? "s" : ""}`;
    throw new CheckpointError("E_CKPT_MISMATCH",
      `the checkpoint does not fit ben19's ${MODELS[model].title} (${count}):\n  ${problems.join("\n  ")}\n`,
      { file: c.source.path }, "pass the reference's checkpoint of this network with 19 classes, or the right --model");
  }
  return plans;
}

/** Loads the checkpoint's values into `net` (a fresh ben19 network of kind `model`); returns what was used. */
type Loaded = Pick<ImportResult, "loaded" | "values" | "onesFilled" | "ignored">;

export function loadInto(c: Checkpoint, model: ModelName, net: tfl.LayersModel): Loaded {
  const plans = plan(c, model, net);
  let values = 0;
  for (const p of plans) {
    const shape = p.weight.shape as number[];
    const data = p.ones ? new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(1) : c.reader.float32(p.tf.name);
    values += p.ones ? 0 : data.length;
    const t = tf.tensor(data, shape, "float32");
    p.weight.write(t);
    t.dispose();
  }
  const used = new Set(plans.map((p) => p.tf.name));
  return {
    loaded: plans.filter((p) => !p.ones).length,
    values,
    onesFilled: plans.filter((p) => p.ones).length,
    ignored: c.reader.entries.map((e) => e.name).filter((n) => !used.has(n)),
  };
}

function checkOut(out: string): void {
  if (existsSync(out) && readdirSync(out).length > 0) {
    throw new CheckpointError("E_OUT_EXISTS", "the output folder exists and is not empty", { file: out },
      "choose a new -o folder, or remove this one");
  }
}

/** Imports the checkpoint at `o.input` into a ben19 model folder at `o.out`. The caller selects the backend. */
export async function importTf1(o: ImportOptions): Promise<ImportResult> {
  checkOut(o.out);
  const c = await readCheckpoint(o.input);
  try {
    const model = resolveModel(c, o.model);
    const net = MODELS[model].build(0);
    try {
      const loaded = loadInto(c, model, net);
      const sources = c.source.sha256();
      // snake_case keys, as in every JSON file ben19 writes.
      const imported_from = {
        format: "tensorflow-1-checkpoint", path: resolve(o.input), checkpoint: c.source.label, files: sources,
        loaded: loaded.loaded, values: loaded.values, ones_filled: loaded.onesFilled, ignored: loaded.ignored.length,
      };
      const training = { imported_from };
      const meta = makeMetadata(model, { stats: REFERENCE_STATS, resample: DEFAULT_RESAMPLE, training });
      const tmp = `${o.out.replace(/[/\\]+$/, "")}.import-${process.pid}.tmp`;
      rmSync(tmp, { recursive: true, force: true });
      try {
        await saveModel(net, meta, tmp);
        if (existsSync(o.out)) rmSync(o.out, { recursive: true }); // empty: checked above
        renameSync(tmp, o.out);
      } catch (e) {
        rmSync(tmp, { recursive: true, force: true });
        throw e;
      }
      return { model, out: o.out, checkpoint: c.source.label, ...loaded, sources };
    } finally {
      net.dispose();
    }
  } finally {
    c.close();
  }
}
