// The page: open files → show the patch (pictures, labels, record download) → classify it when a model is loaded.
// Each step's outcome is also written to a data-state attribute, which the Chromium test (test/web/) waits on.
import { createCore, LABELS_19 } from "ben19/browser";
import { initBackend, loadModelFiles, loadServerModel, predictBands } from "./model.js";
import { describe, fromRecord, openFiles } from "./patch.js";
import { showBands, showS1 } from "./view.js";

const $ = (id) => document.getElementById(id);
const core = await createCore({ url: new URL("../build/core.wasm", import.meta.url) });

/** @type {import("./patch.js").Patch | undefined} */
let patch;
let loaded;
let tfrecord;
let downloadUrl;

function status(id, state, text) {
  const el = $(id);
  el.dataset.state = state;
  el.textContent = text;
}

function list(id, names, unknown) {
  const items = names === null ? [unknown] : names.length === 0 ? ["(none)"] : names;
  $(id).replaceChildren(...items.map((n) => Object.assign(document.createElement("li"), { textContent: n })));
  $(id).classList.toggle("muted", names === null);
}

function showPatch(p) {
  patch = p;
  $("patch").hidden = false;
  $("patch-name").textContent = p.name;
  $("patch-source").textContent = `from ${p.source}`;
  showBands($("rgb"), $("bands"), p.bands);
  showPatchS1(p);
  list("labels19", p.labels19, "unknown: open the patch's _labels_metadata.json too");
  list("labels43", p.labels43, p.labels19 === null ? "unknown: open the patch's _labels_metadata.json too" : "not stored in a TFRecord record");
  if (downloadUrl !== undefined) URL.revokeObjectURL(downloadUrl);
  downloadUrl = p.record === null ? undefined : URL.createObjectURL(new Blob([p.record], { type: "application/octet-stream" }));
  const link = $("download");
  link.hidden = downloadUrl === undefined;
  if (downloadUrl !== undefined) Object.assign(link, { href: downloadUrl, download: `${p.name}.tfrecord` });
  $("download-note").textContent = p.record === null
    ? "A record needs the labels: open the _labels_metadata.json with the bands."
    : `${p.record.length.toLocaleString("en")} bytes, exactly what ben19 prep writes for this patch (a one-record .tfrecord file).`;
  status("patch-status", "ready", `Opened ${p.name}.`);
  return predict();
}

/** The S1 pictures of the patch, or none; `data-s1` names the S1 patch shown (the Chromium test waits on it). */
function showPatchS1(p) {
  $("s1").hidden = p.s1 === null;
  $("s1").dataset.s1 = p.s1?.name ?? "";
  if (p.s1 === null) return;
  $("s1-name").textContent = p.s1.name;
  showS1($("s1-vv"), $("s1-vh"), $("s1-false"), p.s1);
}

/** What the model's input really is, from its ben19.json: K-BranchCNN takes each resolution as it is. */
function preprocessing(meta) {
  const tensors = meta.inputs.map((i) => `${i.shape.join("×")} (${i.bands.join(", ")})`).join("; ");
  const resampled = meta.inputs.length > 1
    ? "each resolution in its own branch, not resampled"
    : `bands below 10 m upsampled to 120×120 by ${meta.resample === "tf1-bicubic" ? "TF1 resize_bicubic" : meta.resample}`;
  return `Input: bands z-scored with the model's statistics, ${resampled}: ${tensors}.`;
}

/** Removes the patch and its prediction from the page, so an error never sits above an older patch's results. */
function clearPatch() {
  patch = undefined;
  tfrecord = undefined;
  $("patch").hidden = true;
  $("prediction").hidden = true;
  $("prediction").dataset.state = "empty";
  $("record-choice").hidden = true;
  if (downloadUrl !== undefined) URL.revokeObjectURL(downloadUrl);
  downloadUrl = undefined;
}

async function predict() {
  if (patch === undefined || loaded === undefined) return;
  const p = patch;
  const section = $("prediction");
  section.hidden = false;
  section.dataset.state = "running";
  const probs = await predictBands(core, loaded, p.bands, p.s1);
  if (p !== patch) return; // another patch was opened meanwhile
  const truth = new Set(p.labels19 ?? []);
  const rows = probs.map((prob, k) => {
    const tr = document.createElement("tr");
    const name = LABELS_19[k];
    Object.assign(tr.dataset, { class: name, p: String(prob) });
    tr.classList.toggle("predicted", prob >= loaded.meta.threshold);
    const bar = Object.assign(document.createElement("meter"), { min: 0, max: 1, value: prob });
    const cells = [name, prob.toFixed(3), bar, p.labels19 === null ? "?" : truth.has(name) ? "✓" : ""];
    tr.append(...cells.map((c) => {
      const td = document.createElement("td");
      td.append(c);
      return td;
    }));
    return tr;
  });
  $("probabilities").tBodies[0].replaceChildren(...rows);
  $("prediction-note").textContent = `${loaded.meta.model} from ${loaded.from}, tfjs ${tf.getBackend()} backend. `
    + `${preprocessing(loaded.meta)} Classes at ≥ ${loaded.meta.threshold} are predicted (bold).`;
  Object.assign(section.dataset, { state: "ready", patch: p.name, source: p.source, model: loaded.from });
}

async function guarded(id, work) {
  try {
    await work();
  } catch (e) {
    console.error(e);
    if (id === "patch-status") clearPatch();
    status(id, "error", describe(e));
  }
}

function openRecord() {
  const k = Number($("record").value);
  if (!Number.isInteger(k) || k < 0 || k >= tfrecord.ranges.length) throw new Error(`no record ${k}: the file holds ${tfrecord.ranges.length}`);
  return showPatch(fromRecord(tfrecord.bytes, tfrecord.ranges, k, tfrecord.name, core));
}

function open(files) {
  return guarded("patch-status", async () => {
    status("patch-status", "loading", "Reading…");
    const opened = await openFiles(files, core);
    if (opened.s1 !== undefined) {
      // Only S1 files: they join the S2 patch on the page.
      if (patch === undefined) throw new Error("open the patch's S2 files (or its record) first, or its S1 files together with them");
      patch = { ...patch, s1: opened.s1 };
      showPatchS1(patch);
      status("patch-status", "ready", `Opened ${patch.name} with Sentinel-1 patch ${opened.s1.name}.`);
      return predict();
    }
    tfrecord = opened.tfrecord;
    $("record-choice").hidden = tfrecord === undefined;
    if (tfrecord === undefined) return showPatch(opened.patch);
    $("record-count").textContent = String(tfrecord.ranges.length);
    $("record").max = String(tfrecord.ranges.length - 1);
    $("record").value = "0";
    return openRecord();
  });
}

function useModel(load) {
  return guarded("model-status", async () => {
    status("model-status", "loading", "Loading the model…");
    const next = await load();
    if (next === null) return status("model-status", "none", "The server has no model (ben19 serve --model RUN): load one from files.");
    loaded?.model.dispose();
    loaded = next;
    status("model-status", "ready", `${next.meta.model} from ${next.from} (tfjs ${tf.getBackend()} backend).`);
    await predict();
  });
}

$("files").addEventListener("change", (e) => open(e.target.files));
$("record").addEventListener("change", () => guarded("patch-status", openRecord));
$("model-files").addEventListener("change", (e) => useModel(() => loadModelFiles(e.target.files)));
for (const type of ["dragenter", "dragover"]) {
  document.addEventListener(type, (e) => {
    e.preventDefault();
    $("drop").classList.add("over");
  });
}
document.addEventListener("dragleave", () => $("drop").classList.remove("over"));
document.addEventListener("drop", (e) => {
  e.preventDefault();
  $("drop").classList.remove("over");
  open(e.dataTransfer.files);
});

await initBackend();
await useModel(loadServerModel);
