// node --import ./test/helpers/no-ort.mjs ...: a process in which onnxruntime-node is not installed, as on a
// machine where the optional dependency was skipped (the resolve hook answers as Node does for a missing package).
import { register } from "node:module";

const hook = `export async function resolve(specifier, context, next) {
  if (specifier === "onnxruntime-node") {
    throw Object.assign(new Error("Cannot find package 'onnxruntime-node'"), { code: "ERR_MODULE_NOT_FOUND" });
  }
  return next(specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hook)}`);
