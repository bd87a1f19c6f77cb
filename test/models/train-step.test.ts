// K-BranchCNN and the ResNets train on the wasm backend with ben19's kernels (VGG16/19: vgg-train-step.test.ts,
// in their own process for the heap they need).
import { test } from "node:test";
import { assertTrainsOneStepOnWasm } from "../helpers/train-step.js";

for (const name of ["kbranch", "resnet50", "resnet101", "resnet152"] as const) {
  test(`${name}: one training step on the wasm backend`, () => assertTrainsOneStepOnWasm(name));
}
