// `ben19 inspect FILE...`: what a TFRecord file holds, whichever tool wrote it: record count and sizes, and the
// features of the first records. Any damage ends the command with exit 1 and the file, record and offset.
import type { Command } from "commander";
import { expandShards } from "../../dataset/files.js";
import { LABELS_19 } from "../../labels/nomenclature.js";
import { readRecords } from "../../tfrecord/reader.js";
import { createCore, type FeatureEntry } from "../../wasm/core.js";
import type { CommandContext, CommandModule } from "../command.js";
import { EXIT } from "../exit.js";
import { parseInteger } from "./parse.js";

interface FeatureSummary {
  key: string;
  kind: string;
  count: number;
  preview: (string | number)[];
  /** For the 19-class multi-hot: the classes it sets (index and name), which a 5-value preview cannot show. */
  classes?: { index: number; name: string }[];
}

interface FileSummary {
  file: string;
  records: number;
  bytes: number;
  min_record_bytes: number;
  max_record_bytes: number;
  first: FeatureSummary[][];
}

const PREVIEW = 5;
const MULTI_HOT_KEY = "BigEarthNet-19_labels_multi_hot";
const text = new TextDecoder();

/** The first values of a list body (protobuf field 1 of BytesList / FloatList / Int64List), decoded in TS. */
function preview(f: FeatureEntry, limit = PREVIEW): (string | number)[] {
  const out: (string | number)[] = [];
  const b = f.body;
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let p = 0;
  const varint = (): number => {
    let v = 0;
    let m = 1;
    for (;;) {
      const c = b[p++] as number;
      v += (c & 0x7f) * m;
      if ((c & 0x80) === 0 || p >= b.length) return v;
      m *= 128;
    }
  };
  while (p < b.length && out.length < limit) {
    const tag = varint();
    const wire = tag & 7;
    if (wire === 2) {
      const len = varint();
      const end = p + len;
      if (f.kind === "bytes_list") out.push(text.decode(b.subarray(p, end)));
      else if (f.kind === "float_list") {
        for (; p + 4 <= end && out.length < limit; p += 4) out.push(dv.getFloat32(p, true));
      }
      else while (p < end && out.length < limit) out.push(varint());
      p = end;
    } else if (wire === 0) out.push(varint());
    else if (wire === 5) {
      out.push(dv.getFloat32(p, true));
      p += 4;
    } else break;
  }
  return out;
}

function summarizeFeature(f: FeatureEntry): FeatureSummary {
  const summary: FeatureSummary = { key: f.key, kind: f.kind, count: f.count, preview: preview(f) };
  if (f.key === MULTI_HOT_KEY && f.kind === "int64_list" && f.count === LABELS_19.length) {
    const values = preview(f, LABELS_19.length);
    summary.classes = LABELS_19.flatMap((name, index) => (values[index] === 1 ? [{ index, name }] : []));
  }
  return summary;
}

async function summarize(file: string, show: number): Promise<FileSummary> {
  const core = await createCore();
  const s: FileSummary = { file, records: 0, bytes: 0, min_record_bytes: 0, max_record_bytes: 0, first: [] };
  for await (const r of readRecords(file, core)) {
    const n = r.data.length;
    s.min_record_bytes = s.records === 0 ? n : Math.min(s.min_record_bytes, n);
    s.max_record_bytes = Math.max(s.max_record_bytes, n);
    s.records++;
    s.bytes += n;
    if (s.first.length < show) s.first.push(core.decodeExample(r.data).map(summarizeFeature));
  }
  return s;
}

function render(s: FileSummary): string {
  const range = `records ${s.min_record_bytes}–${s.max_record_bytes} bytes`;
  const lines = [`${s.file}: ${s.records} records, ${s.bytes} bytes of data (${range})`];
  s.first.forEach((features, i) => {
    lines.push(`  record ${i}: ${features.length} features`);
    for (const f of features) {
      const more = f.count > f.preview.length ? ", …" : "";
      const preview = f.preview.map((v) => (typeof v === "string" ? JSON.stringify(v) : v)).join(", ");
      lines.push(`    ${f.key.padEnd(32)} ${f.kind.padEnd(10)} ${String(f.count).padStart(6)}  [${preview}${more}]`);
      if (f.classes !== undefined) {
        const sets = f.classes.length === 0 ? "no class" : f.classes.map((c) => `${c.index} (${c.name})`).join(", ");
        lines.push(`      sets ${sets}`);
      }
    }
  });
  return `${lines.join("\n")}\n`;
}

export const command: CommandModule = {
  register(program: Command, ctx: CommandContext) {
    program
      .command("inspect")
      .summary("summarise TFRecord files: record count, sizes, the first records' features; checks every CRC")
      .argument("<files...>", "TFRecord files")
      .option("--records <n>", "how many records to show the features of", parseInteger("--records"), 1)
      .option("--json", "print the summaries as JSON")
      .action(async (files: string[], f: { records: number; json?: boolean }) => {
        const out: FileSummary[] = [];
        for (const file of expandShards(files, "FILES")) {
          const s = await summarize(file, f.records);
          out.push(s);
          if (f.json !== true) ctx.io.out(render(s));
        }
        if (f.json === true) ctx.io.out(`${JSON.stringify(out, null, 2)}\n`);
        ctx.exit(EXIT.ok);
      });
  },
};
