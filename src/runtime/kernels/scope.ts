// Lets one kernel implementation call other kernels of the same backend directly (below the autodiff tape and
// the op-level checks) and frees every intermediate it made, keeping only the result.
import { getKernel, type KernelBackend, type NamedAttrMap, type TensorInfo } from "@tensorflow/tfjs-core";

export class KernelScope {
  private readonly temps: TensorInfo[] = [];

  constructor(
    private readonly backend: KernelBackend,
    private readonly backendName: string,
  ) {}

  /** Runs kernel `name` of this backend; its output is freed by `finish` unless it is the kept result. */
  /** `inputs` is a list for kernels over many tensors (Pack, Concat, AddN), as tfjs passes them. */
  run(name: string, inputs: Record<string, TensorInfo> | TensorInfo[], attrs: object = {}): TensorInfo {
    const kernel = getKernel(name, this.backendName);
    if (kernel === undefined) throw new Error(`kernel ${name} is not registered for backend ${this.backendName}`);
    const out = kernel.kernelFunc({ inputs: inputs as Record<string, TensorInfo>, attrs: attrs as NamedAttrMap,
      backend: this.backend });
    if (Array.isArray(out)) throw new Error(`kernel ${name} returned several outputs`);
    this.temps.push(out);
    return out;
  }

  /** Adds a tensor made outside run() (e.g. by a saved kernel function) to the intermediates. */
  track(t: TensorInfo): TensorInfo {
    this.temps.push(t);
    return t;
  }

  /** Frees every intermediate except `result`, and returns it. */
  finish(result: TensorInfo): TensorInfo {
    for (const t of this.temps) if (t !== result) this.backend.disposeData(t.dataId);
    this.temps.length = 0;
    return result;
  }
}
