// What a bench report says about the machine it ran on, so that two reports can be compared knowingly.
import { availableParallelism, cpus, loadavg, platform, release, totalmem } from "node:os";
import { VERSION } from "../core/version.js";

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGib: number;
  os: string;
  node: string;
  ben19: string;
  /** The 1-minute load average when the bench started: above the core count, the machine was shared. */
  loadAverage: number;
}

export function machineInfo(): MachineInfo {
  return {
    cpu: cpus()[0]?.model.trim() ?? "unknown",
    cores: availableParallelism(),
    memoryGib: Number((totalmem() / 2 ** 30).toFixed(1)),
    os: `${platform()} ${release()}`,
    node: process.version,
    ben19: VERSION,
    loadAverage: Number((loadavg()[0] ?? 0).toFixed(2)),
  };
}
