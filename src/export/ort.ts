// ONNX Runtime for Node (onnxruntime-node), an optional dependency like tfjs-node: its CPU library ships inside
// the npm package (the project's .npmrc skips the CUDA download). Only the few calls ben19 makes are typed
// here, so ben19 builds and runs without the package; loading it is the one place that can find it missing.
import { availableParallelism } from "node:os";

/** The parts of onnxruntime-common's Tensor and InferenceSession that ben19 uses. */
export interface OrtTensor {
  readonly data: unknown;
  readonly dims: readonly number[];
}

export interface OrtSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>>;
  release(): Promise<void>;
}

export interface Ort {
  Tensor: new (type: "float32", data: Float32Array, dims: readonly number[]) => OrtTensor;
  InferenceSession: {
    create(model: Uint8Array, options?: Record<string, unknown>): Promise<OrtSession>;
  };
  env: { versions: Record<string, string> };
}

export const ORT_PACKAGE = "onnxruntime-node";

let loaded: Promise<Ort> | undefined;

/** onnxruntime-node, or a rejection saying why it cannot be loaded (not installed, or its library fails). */
export function loadOrt(): Promise<Ort> {
  // A variable specifier keeps tsc and bundlers from resolving the optional package at build time.
  const pkg: string = ORT_PACKAGE;
  loaded ??= import(pkg).then((m: { default?: Ort } & Ort) => m.default ?? m);
  return loaded;
}

/** Why onnxruntime-node is unavailable (first line of the error), or undefined when it loads. */
export async function ortUnavailable(): Promise<string | undefined> {
  try {
    await loadOrt();
    return undefined;
  } catch (e) {
    return (e instanceof Error ? e.message : String(e)).split("\n")[0] ?? "unknown error";
  }
}

/** An ONNX Runtime session over model bytes, on the CPU with `threads` intra-op threads (default: every core). */
export async function createSession(model: Uint8Array, threads?: number): Promise<OrtSession> {
  const ort = await loadOrt();
  return ort.InferenceSession.create(model, {
    executionProviders: ["cpu"],
    graphOptimizationLevel: "all",
    intraOpNumThreads: threads ?? availableParallelism(),
    interOpNumThreads: 1,
  });
}
