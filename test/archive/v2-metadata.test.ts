// reBEN's metadata.parquet reader (src/archive/v2): its fast path against hyparquet's full decode, on both real
// tables (every row), on tables written by synth's writer with random rows (fast-check), on a layout the fast path
// leaves to hyparquet, and on damaged files (a named error, never a crash), also through the CLI (`prep`).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import fc from "fast-check";
import { parquetMetadata, parquetReadObjects } from "hyparquet";
import { compressors } from "hyparquet-compressors";
import { parquetWriteBuffer } from "hyparquet-writer";
import { readV2Metadata, SNOW_CLOUD_FILE, V2_SPLITS, type V2Metadata } from "../../src/archive/v2/metadata.js";
import { zstdDecoder } from "../../src/archive/v2/parquet-codec.js";
import { Ben19Error } from "../../src/core/errors.js";
import { run } from "../../src/cli/index.js";
import { memoryIo } from "../../src/cli/io.js";
import { LABELS_19 } from "../../src/labels/nomenclature.js";
import { V2_TABLE_SCHEMA, writeTable, type V2Row } from "../../src/synth/v2.js";
import { needShared, PROJECT_ROOT, SHARED_DIR } from "../helpers/env.js";
import { tempDir } from "../helpers/fixtures.js";

/** What the reader returns, as computed from hyparquet's full decode of every column (the independent truth). */
interface Expected {
  ids: string[];
  split: number[];
  labels: number[];
  snowCloud: number[];
  s1Names: (string | null)[];
}

function expectedOf(rows: readonly Record<string, unknown>[]): Expected {
  return {
    ids: rows.map((r) => r.patch_id as string),
    split: rows.map((r) => V2_SPLITS.indexOf(r.split as (typeof V2_SPLITS)[number])),
    labels: rows.map((r) => ((r.labels ?? []) as string[])
      .reduce((m, l) => m | (1 << LABELS_19.indexOf(l as (typeof LABELS_19)[number])), 0)),
    snowCloud: rows.map((r) => (r.contains_seasonal_snow === true || r.contains_cloud_or_shadow === true ? 1 : 0)),
    s1Names: rows.map((r) => (r.s1_name ?? null) as string | null),
  };
}

async function hyparquetTruth(file: string): Promise<Expected> {
  const b = readFileSync(file);
  const ab = b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
  return expectedOf(await parquetReadObjects({ file: ab, compressors }));
}

function assertSame(got: V2Metadata, want: Expected, what: string): void {
  assert.equal(got.ids.length, want.ids.length, `${what}: rows`);
  assert.deepEqual(got.ids, want.ids, `${what}: patch_id`);
  assert.deepEqual([...got.split], want.split, `${what}: split`);
  assert.deepEqual([...got.labels], want.labels, `${what}: labels`);
  assert.deepEqual([...got.snowCloud], want.snowCloud, `${what}: snow/cloud flags`);
  assert.deepEqual(got.s1Names, want.s1Names, `${what}: s1_name`);
}

/** Reads `file` with fzstd even where Node has zstd (BEN19_PURE_ZSTD is read per page). */
async function withPureZstd<T>(f: () => Promise<T>): Promise<T> {
  process.env.BEN19_PURE_ZSTD = "1";
  try {
    return await f();
  } finally {
    delete process.env.BEN19_PURE_ZSTD;
  }
}

for (const [name, rows] of [["metadata.parquet", 480038], [SNOW_CLOUD_FILE, 69450]] as const) {
  test(`real ${name}: the fast path gives hyparquet's full decode on every row (node:zlib and fzstd zstd)`,
    async (t) => {
      if (!needShared(t)) return;
      const file = join(SHARED_DIR, "real-v2", name);
      const want = await hyparquetTruth(file);
      assert.equal(want.ids.length, rows);
      const got = await readV2Metadata(file, { s1Names: true });
      assertSame(got, want, `${name} (${zstdDecoder()})`);
      // Every chunk of all six columns read (patch_id, labels, split, two flags, s1_name), none left to hyparquet.
      assert.deepEqual(got.chunks, { fast: 6 * parquetMetadata(readFileSync(file).buffer as ArrayBuffer)
        .row_groups.length, hyparquet: 0 });
      if (zstdDecoder() === "node:zlib") {
        const pure = await withPureZstd(() => readV2Metadata(file, { s1Names: true }));
        assertSame(pure, want, `${name} (fzstd)`);
      }
    });
}

const LABELS = [...LABELS_19];
const text = (max: number): fc.Arbitrary<string> => fc.oneof(
  { arbitrary: fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: max }), weight: 4 },
  { arbitrary: fc.string({ unit: "grapheme", minLength: 1, maxLength: max }), weight: 1 },
);
/** Rows as synth writes them; ids drawn from a small pool too, so that writers choose dictionary pages sometimes. */
const row: fc.Arbitrary<V2Row> = fc.record({
  patch_id: fc.oneof(text(70), fc.constantFrom("S2A_MSIL2A_20170613T101031_N9999_R022_T33UUP_75_43", "p1", "p2")),
  labels: fc.subarray(LABELS).map((l) => [...l].sort()),
  split: fc.constantFrom(...V2_SPLITS),
  country: fc.constantFrom("Austria", "Finland", "Portugal"),
  s1_name: text(60),
  s2v1_name: text(40),
  contains_seasonal_snow: fc.boolean(),
  contains_cloud_or_shadow: fc.boolean(),
});

function sorted(rows: readonly V2Row[]): V2Row[] {
  return [...rows].sort((a, b) => (a.patch_id < b.patch_id ? -1 : a.patch_id > b.patch_id ? 1 : 0));
}

/** The reader's expectation for rows as written (in the order written). */
function written(rows: readonly V2Row[]): Expected {
  return expectedOf(rows as unknown as Record<string, unknown>[]);
}

/** fast-check: random rows written to a file by `write`, read back by the reader, then `check`ed. */
async function everyTable(prefix: string, numRuns: number, write: (rows: V2Row[]) => ArrayBuffer,
  check: (got: V2Metadata, rows: V2Row[], file: string) => Promise<void> | void): Promise<void> {
  const dir = tempDir(prefix);
  let n = 0;
  await fc.assert(fc.asyncProperty(fc.array(row, { minLength: 1, maxLength: 250 }), async (rows) => {
    const file = join(dir, `t${n++}.parquet`);
    writeFileSync(file, new Uint8Array(write(rows)));
    await check(await readV2Metadata(file, { s1Names: true }), rows, file);
  }), { numRuns });
}

test("synth's table writer, random rows (fast-check): the fast path reads back the rows written, as hyparquet does",
  () => everyTable("v2-md-prop-", 60, writeTable, async (got, rows, file) => {
    assert.equal(got.chunks.hyparquet, 0, "hyparquet-writer's layout is one the fast path knows");
    assertSame(got, written(sorted(rows)), "rows written");
    assertSame(got, await hyparquetTruth(file), "hyparquet");
  }));

type Encoding = "PLAIN" | "DELTA_BYTE_ARRAY";

/** synth's table with other writer settings: per-column encodings, codec, small row groups and pages. */
function tableWith(rows: readonly V2Row[], encodings: Partial<Record<keyof V2Row, Encoding>>): ArrayBuffer {
  const col = <K extends keyof V2Row>(name: K) => {
    const encoding = encodings[name];
    return { name, data: rows.map((r) => r[name]), ...(encoding !== undefined ? { encoding } : {}) };
  };
  return parquetWriteBuffer({
    schema: V2_TABLE_SCHEMA.map((e) => ({ ...e })),
    columnData: [
      col("patch_id"), col("labels"), col("split"), col("country"), col("s1_name"), col("s2v1_name"),
      col("contains_seasonal_snow"), col("contains_cloud_or_shadow"),
    ],
    codec: "UNCOMPRESSED", rowGroupSize: 70, pageSize: 512,
  });
}

test("PLAIN labels and ids, uncompressed, many row groups and pages (fast-check): the fast path, the rows written",
  () => everyTable("v2-md-plain-", 25,
    (rows) => tableWith(rows, { patch_id: "PLAIN", labels: "PLAIN", split: "PLAIN" }), (got, rows) => {
      assert.equal(got.chunks.hyparquet, 0, JSON.stringify(got.chunks));
      assertSame(got, written(rows), "rows written");
    }));

test("a layout the fast path does not know (DELTA_BYTE_ARRAY): hyparquet reads those chunks, the same rows",
  () => everyTable("v2-md-foreign-", 25,
    (rows) => tableWith(rows, { patch_id: "DELTA_BYTE_ARRAY", labels: "DELTA_BYTE_ARRAY" }), (got, rows) => {
      assert.ok(got.chunks.hyparquet >= 2 && got.chunks.fast >= 4, JSON.stringify(got.chunks));
      assertSame(got, written(rows), "rows written");
    }));

test("labels and splits that are not reBEN's, and empty ids: named errors with the row and the value", async () => {
  const dir = tempDir("v2-md-bad-");
  const base: V2Row = {
    patch_id: "a", labels: ["Pastures"], split: "train", country: "Austria", s1_name: "s1", s2v1_name: "v1",
    contains_seasonal_snow: false, contains_cloud_or_shadow: false,
  };
  const cases: [Partial<V2Row>, RegExp][] = [
    [{ labels: ["Pastures", "Rice fields"] }, /row 1: label "Rice fields" is not one of the 19 classes/],
    [{ split: "val" }, /row 1: split "val" is not one of train, validation, test/],
    [{ patch_id: "" }, /row 0: empty patch_id/],
  ];
  for (const [i, [change, message]] of cases.entries()) {
    const file = join(dir, `bad${i}.parquet`);
    writeFileSync(file, new Uint8Array(writeTable([{ ...base, patch_id: "0" }, { ...base, ...change }])));
    await assert.rejects(readV2Metadata(file), (e: unknown) =>
      e instanceof Ben19Error && e.code === "E_BAD_METADATA" && message.test(e.message) && e.hint !== undefined);
  }
});

test("a label one letter off a class name (fast-check, PLAIN and dictionary pages): rejected, the label named",
  async () => {
    const dir = tempDir("v2-md-near-");
    let n = 0;
    const letter = fc.integer({ min: 0x20, max: 0x7e });
    const near = fc.record({ label: fc.constantFrom(...LABELS), at: fc.nat(), to: letter })
      .map(({ label, at, to }) => {
        const i = at % label.length;
        const c = String.fromCharCode(to === label.charCodeAt(i) ? (to === 0x7e ? 0x20 : to + 1) : to);
        return `${label.slice(0, i)}${c}${label.slice(i + 1)}`;
      });
    await fc.assert(fc.asyncProperty(fc.array(row, { minLength: 1, maxLength: 20 }), near, fc.boolean(),
      async (rows, wrong, plainPages) => {
        const last = rows.length - 1;
        const bad = rows.map((r, i) => (i === last ? { ...r, labels: [...r.labels, wrong].sort() } : r));
        const file = join(dir, `n${n++}.parquet`);
        writeFileSync(file, new Uint8Array(plainPages ? tableWith(bad, { labels: "PLAIN" }) : writeTable(bad)));
        await assert.rejects(readV2Metadata(file), (e: unknown) => e instanceof Ben19Error &&
          e.message.includes(`label ${JSON.stringify(wrong)} is not one of the 19 classes`));
      }), { numRuns: 100 });
  });

test("damaged tables (random bytes overwritten, cut short): a named error or the right rows, never a crash",
  async () => {
    const dir = tempDir("v2-md-damaged-");
    const rows = fc.sample(row, { numRuns: 200, seed: 7 });
    const good = new Uint8Array(writeTable(rows));
    const want = written(sorted(rows));
    let n = 0;
    const damage = fc.oneof(
      fc.record({ at: fc.nat(good.length - 1), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
      fc.record({ cut: fc.nat(good.length - 1) }),
    );
    await fc.assert(fc.asyncProperty(damage, async (d) => {
      const bytes = "cut" in d ? good.slice(0, d.cut) : good.slice();
      if ("at" in d) bytes.set(d.bytes.subarray(0, bytes.length - d.at), d.at);
      const file = join(dir, `d${n++}.parquet`);
      writeFileSync(file, bytes);
      try {
        // Damage the checks cannot see (statistics, a value's letters) may still read: then every row must parse.
        const got = await readV2Metadata(file);
        assert.equal(got.ids.length, want.ids.length);
      } catch (e) {
        assert.ok(e instanceof Ben19Error && e.code === "E_BAD_METADATA", `not a named error: ${(e as Error).stack}`);
        assert.match(e.message, /not a readable parquet file|cannot decode the parquet file|row \d+:|not a reBEN/);
      }
    }), { numRuns: 300, seed: 11 });
  });

/** A reBEN archive from synth (8 patches), then its metadata.parquet replaced by `damage` of it. */
async function damagedArchive(damage: (good: Uint8Array, md: ReturnType<typeof parquetMetadata>) => Uint8Array):
  Promise<string> {
  const arch = join(tempDir("v2-md-cli-"), "reben");
  const io = memoryIo();
  const code = await run(["synth", "--archive", "v2", "-o", arch, "--patches", "8", "--seed", "5", "-q"], io);
  assert.equal(code, 0, io.stderr);
  const file = join(arch, "metadata.parquet");
  const good = new Uint8Array(readFileSync(file));
  writeFileSync(file, damage(good, parquetMetadata(good.buffer as ArrayBuffer)));
  return arch;
}

/** The first page of the labels column overwritten: a header or page that cannot be read. */
function garbleLabels(good: Uint8Array, md: ReturnType<typeof parquetMetadata>): Uint8Array {
  const chunk = md.row_groups[0]?.columns.find((c) => c.meta_data?.path_in_schema[0] === "labels")?.meta_data;
  assert.ok(chunk !== undefined);
  const out = good.slice();
  const at = Number(chunk.dictionary_page_offset ?? chunk.data_page_offset);
  out.fill(0xff, at, at + Math.min(24, Number(chunk.total_compressed_size)));
  return out;
}

function assertNothingWritten(out: string): void {
  assert.ok(!existsSync(out) || readdirSync(out).length === 0, `prep left ${existsSync(out) ? readdirSync(out) : ""}`);
}

test("prep on a reBEN root with a damaged metadata.parquet (CLI): exit 1, the file named, no stack, nothing written",
  async () => {
    for (const [what, damage] of [
      ["cut short", (g: Uint8Array) => g.slice(0, Math.floor(g.length / 2))],
      ["labels page overwritten", garbleLabels],
    ] as const) {
      const arch = await damagedArchive(damage);
      const out = join(arch, "..", "out");
      const io = memoryIo();
      const code = await run(["prep", "-r", arch, "-o", out, "--workers", "2", "-q"], io);
      const shown = `${what}: exit ${code}\n${io.stderr}`;
      assert.equal(code, 1, shown);
      assert.match(io.stderr, /metadata\.parquet: (not a readable parquet file|cannot decode the parquet file)/, shown);
      assert.match(io.stderr, /pass the reBEN metadata\.parquet/, shown);
      assert.doesNotMatch(io.stderr, /internal error|\n\s+at .+:\d+:\d+\)?\n/, shown);
      assertNothingWritten(out);
    }
  });

test("the same from the ben19 process itself (a damaged labels page): exit 1, one line, nothing written", async () => {
  const arch = await damagedArchive(garbleLabels);
  const out = join(arch, "..", "out");
  const cli = join(PROJECT_ROOT, "test", "helpers", "cli-child.ts");
  const r = spawnSync(process.execPath, ["--import", "tsx", cli, "prep", "-r", arch, "-o", out, "-q"],
    { cwd: PROJECT_ROOT, encoding: "utf8" });
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /^ben19: error: file .*metadata\.parquet: cannot decode the parquet file: .+\n$/, r.stderr);
  assertNothingWritten(out);
});
