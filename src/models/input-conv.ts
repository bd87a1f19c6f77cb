// Convolutions that read a model input (through layers without weights, such as ResNet's zero padding) never need
// their input gradient in training. tfjs-layers runs every Conv2D as tf.fused.conv2d, whose gradient (a custom
// gradient) computes the input gradient anyway: on K-BranchCNN the unused input gradient of the 10 m branch's first
// convolution alone took 4.9 % of a training step's CPU (wasm, batch 32; measured by bench/kernel-profile.ts).
// Under a gradient (training), such layers run as the plain ops instead, a convolution and then the bias added,
// whose registered gradients tfjs evaluates only for inputs that lead to a trained weight. Same maths; the bias is
// added after the convolution rather than inside it, so training outputs may differ in the last bit. Inference
// keeps the fused op.
import { tf, tfl } from "../runtime/tf.js";

/** The parts of tfjs-layers' Conv2D that its call() uses. */
interface ConvLayer {
  kernel: { read(): tf.Tensor };
  bias: { read(): tf.Tensor } | null;
  strides: [number, number];
  padding: string;
  dataFormat: string;
  dilationRate: [number, number];
  activation: { apply(x: tf.Tensor): tf.Tensor };
  rank: number;
  call(inputs: tf.Tensor | tf.Tensor[], kwargs: object): tf.Tensor | tf.Tensor[];
}

type AnyLayer = tfl.layers.Layer;

/** Whether every value reaching `layer`'s output comes from model inputs through layers without weights. */
function fromInputsOnly(layer: AnyLayer, seen = new Map<AnyLayer, boolean>()): boolean {
  const known = seen.get(layer);
  if (known !== undefined) return known;
  const inbound = layer.inboundNodes.flatMap((n) => n.inboundLayers);
  const result = layer.weights.length === 0 && inbound.every((l) => fromInputsOnly(l, seen));
  seen.set(layer, result);
  return result;
}

/** Switches `model`'s convolutions on model inputs to the plain ops (see above); returns the model. */
export function skipInputGradients(model: tfl.LayersModel): tfl.LayersModel {
  for (const layer of model.layers) {
    const conv = layer as unknown as ConvLayer;
    if (layer.getClassName() !== "Conv2D" || conv.rank !== 2 || conv.dataFormat !== "channelsLast" ||
      (conv.padding !== "same" && conv.padding !== "valid")) continue;
    const inbound = layer.inboundNodes.flatMap((n) => n.inboundLayers);
    if (inbound.length === 0 || !inbound.every((l) => fromInputsOnly(l))) continue;
    const pad = conv.padding;
    const fused = conv.call.bind(conv);
    conv.call = (inputs, kwargs) => tf.engine().state.gradientDepth === 0 ? fused(inputs, kwargs) : tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      const y = tf.conv2d(x, conv.kernel.read() as tf.Tensor4D, conv.strides, pad, "NHWC", conv.dilationRate);
      return conv.activation.apply(conv.bias === null ? y : tf.add(y, conv.bias.read()));
    });
  }
  return model;
}
