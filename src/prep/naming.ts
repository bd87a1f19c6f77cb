// Output file names, shared by prep, verify and resume.

/** `<split>.tfrecord` for one shard, else `<split>_NN.tfrecord` with NN = index zero-padded to two digits. */
export function shardFileName(split: string, index: number, shards: number): string {
  return shards === 1 ? `${split}.tfrecord` : `${split}_${String(index).padStart(2, "0")}.tfrecord`;
}

/** The name a shard is written under until the whole run has succeeded (io/durable.ts's, for every output). */
export { tempName } from "../io/durable.js";

export const MANIFEST_FILE = "manifest.json";
export const ERRORS_FILE = "errors.json";

/** A part's manifest (--part i/K): named apart so that the K parts may share one output folder. */
export function partManifestName(index: number, count: number): string {
  return `manifest.part-${index}-of-${count}.json`;
}

/** Matches partManifestName's output; groups: index, count. */
export const PART_MANIFEST_PATTERN = /^manifest\.part-(\d+)-of-(\d+)\.json$/;

/** prep's resume journal (journal.ts): one per run, or per part so that parts may share a folder. */
export function journalName(part?: { index: number; count: number }): string {
  return part === undefined
    ? ".ben19-prep.journal.json"
    : `.ben19-prep.part-${part.index}-of-${part.count}.journal.json`;
}

/** prep's lock file (lock.ts): one writer per run, or per part. */
export function lockName(part?: { index: number; count: number }): string {
  return part === undefined ? ".ben19-prep.lock" : `.ben19-prep.part-${part.index}-of-${part.count}.lock`;
}

/** Matches every shard file name of `split` (shardFileName's output, final or temporary); group 1: NN or undefined. */
export function shardFilePattern(split: string): RegExp {
  const escaped = split.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`^${escaped}(?:_(\\d{2,}))?\\.tfrecord(?:\\.tmp)?$`);
}
