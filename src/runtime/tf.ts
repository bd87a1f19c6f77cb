// The one place that loads tfjs for ben19. tfjs-core's Node entry carries no gradients; tfjs-layers' bundle
// registers them (and the chained-op-free layers API we build models with), so both are imported together here.
import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";

// PROD skips tfjs's debug checks and its console hints (library code must stay silent).
tf.env().set("PROD", true);

export { tf, tfl };
