// A view of a model that outputs its logits (the input of its sigmoid layer), sharing its weights: what the
// trainer differentiates and what evaluation uses for the loss.
import { PROBABILITIES } from "../models/head.js";
import { tfl } from "../runtime/tf.js";

export function logitsModel(model: tfl.LayersModel): tfl.LayersModel {
  const logits = model.getLayer(PROBABILITIES).input as tfl.SymbolicTensor;
  return tfl.model({ inputs: model.inputs, outputs: logits, name: `${model.name}_logits` });
}
