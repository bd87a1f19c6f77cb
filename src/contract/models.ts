// The reference networks by name and the input layout each takes: the part of the model registry that needs no
// tfjs (models/registry.ts adds the builders), so that the metadata checker runs in a browser too.
import type { LayoutName } from "./layouts.js";

export const MODEL_NAMES = ["kbranch", "vgg16", "vgg19", "resnet50", "resnet101", "resnet152"] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

/** The input layout of each network: K-BranchCNN its three resolution groups, the others the stacked 10 bands. */
export const MODEL_LAYOUTS: Readonly<Record<ModelName, LayoutName>> = {
  kbranch: "kbranch",
  vgg16: "stack10",
  vgg19: "stack10",
  resnet50: "stack10",
  resnet101: "stack10",
  resnet152: "stack10",
};

export function isModelName(s: string): s is ModelName {
  return (MODEL_NAMES as readonly string[]).includes(s);
}
