// A saved ben19 model run by ONNX Runtime (`--backend onnx`): the model is exported in memory and handed to an
// ORT session, so any model folder runs natively without a separate export step. Inputs are the same NHWC
// batch buffers the tfjs path feeds, in the model's input order.
import type { LoadedModel } from "../models/io.js";
import { LOGITS } from "./onnx-graph.js";
import { exportOnnx } from "./onnx.js";
import { createSession, loadOrt, type Ort, type OrtSession } from "./ort.js";
import { PROBABILITIES } from "../models/head.js";

export interface OnnxOutputs {
  /** [n, classes] row-major */
  probabilities: Float32Array;
  logits: Float32Array;
}

export class OnnxRunner {
  private constructor(
    private readonly ort: Ort,
    private readonly session: OrtSession,
    private readonly shapes: readonly (readonly number[])[],
  ) {}

  /** Exports `loaded` to ONNX in memory and opens an ORT session on it (`threads`: default every core). */
  static async fromModel(loaded: LoadedModel, threads?: number): Promise<OnnxRunner> {
    return OnnxRunner.fromBytes(exportOnnx(loaded), loaded.meta.inputs.map((i) => i.shape), threads);
  }

  /** An ORT session on ONNX bytes whose inputs, in order, are NHWC with the given [H, W, C] shapes. */
  static async fromBytes(bytes: Uint8Array, shapes: readonly (readonly number[])[], threads?: number):
  Promise<OnnxRunner> {
    return new OnnxRunner(await loadOrt(), await createSession(bytes, threads), shapes);
  }

  /** Runs a batch of `n` patches: one NHWC buffer per input, laid out as for tfjs. */
  async run(inputs: readonly Float32Array[], n: number): Promise<OnnxOutputs> {
    const feeds = Object.fromEntries(this.session.inputNames.map((name, k) =>
      [name, new this.ort.Tensor("float32", inputs[k] as Float32Array, [n, ...(this.shapes[k] as number[])])]));
    const out = await this.session.run(feeds);
    return { probabilities: out[PROBABILITIES]?.data as Float32Array, logits: out[LOGITS]?.data as Float32Array };
  }

  release(): Promise<void> {
    return this.session.release();
  }
}
