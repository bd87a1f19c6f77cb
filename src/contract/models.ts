// The reference networks by name and the input layout each takes: the part of the model registry that needs no
// tfjs (models/registry.ts adds the builders), so that the metadata checker runs in a browser too.
import { ModelError } from "../core/errors.js";
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

/**
 * The layouts each network can be built for (its default first). VGG and ResNet take one 120×120 stack and derive
 * their input channels from the layout: stack10, or mm (+ VV, VH) as the reference MM models; K-BranchCNN's three
 * branches are the kbranch groups, so it takes nothing else.
 */
export const MODEL_INPUT_LAYOUTS: Readonly<Record<ModelName, readonly LayoutName[]>> = {
  kbranch: ["kbranch"],
  vgg16: ["stack10", "stack12", "mm"],
  vgg19: ["stack10", "stack12", "mm"],
  resnet50: ["stack10", "stack12", "mm"],
  resnet101: ["stack10", "stack12", "mm"],
  resnet152: ["stack10", "stack12", "mm"],
};

/** The layout a network is built for: `layout` if the network takes it, its default without one. */
export function modelLayout(model: ModelName, layout?: string): LayoutName {
  if (layout === undefined) return MODEL_LAYOUTS[model];
  const allowed = MODEL_INPUT_LAYOUTS[model];
  if (!(allowed as readonly string[]).includes(layout)) {
    const takers = MODEL_NAMES.filter((m) => (MODEL_INPUT_LAYOUTS[m] as readonly string[]).includes(layout));
    throw new ModelError("E_MODEL_LAYOUT",
      `${model} cannot take the ${JSON.stringify(layout)} input layout (it takes ${allowed.join(", ")})`, {},
      takers.length > 0
        ? `use --model ${takers.join("|")} for --layout ${layout}, or leave --layout out`
        : "leave --layout out");
  }
  return layout as LayoutName;
}
