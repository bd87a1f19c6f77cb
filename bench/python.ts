// The Python that has PyTorch, for the side-by-side benches. Debian's python3-torch lives in the system Python,
// which a pyenv or venv `python3` on PATH may hide, so both are tried.
import { spawnSync } from "node:child_process";

/** The first of python3 and /usr/bin/python3 that can import `modules`, or undefined. */
export function pythonWith(modules: string): string | undefined {
  return ["python3", "/usr/bin/python3"].find((p) => spawnSync(p, ["-c", `import ${modules}`]).status === 0);
}
