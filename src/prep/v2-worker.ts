// What prep's worker needs of reBEN (v2.0), in one module it loads on its first reBEN task: v2's modules pull in
// the parquet reader, which a v1.0 run never needs (about 120 ms of CPU per worker to load).
export { v2PatchDir } from "../archive/v2/layout.js";
export { maskToMultiHot } from "../archive/v2/metadata.js";
