// Constants shared by the AssemblyScript core (assembly/) and the TypeScript layers (src/).
// This file must stay valid AssemblyScript: plain `export const` of numbers and strings, no TS-only syntax,
// no imports. Provenance: ../shared/bigearthnet/FACTS.md (BigEarthNet-S2 v1.0, 19-class nomenclature).

/** Number of Sentinel-2 bands stored per patch (B10 is not distributed). */
export const BAND_COUNT = 12;
/** Number of classes in the 19-class nomenclature. */
export const CLASS_COUNT_19 = 19;
/** Number of classes in the original 43-class CORINE nomenclature. */
export const CLASS_COUNT_43 = 43;

/** Side in pixels of the 10 m bands (B02 B03 B04 B08). */
export const SIDE_10M = 120;
/** Side in pixels of the 20 m bands (B05 B06 B07 B8A B11 B12). */
export const SIDE_20M = 60;
/** Side in pixels of the 60 m bands (B01 B09). */
export const SIDE_60M = 20;

// Side of each band in band order B01 B02 B03 B04 B05 B06 B07 B08 B8A B09 B11 B12.
export const SIDE_B01 = 20;
export const SIDE_B02 = 120;
export const SIDE_B03 = 120;
export const SIDE_B04 = 120;
export const SIDE_B05 = 60;
export const SIDE_B06 = 60;
export const SIDE_B07 = 60;
export const SIDE_B08 = 120;
export const SIDE_B8A = 60;
export const SIDE_B09 = 20;
export const SIDE_B11 = 60;
export const SIDE_B12 = 60;

/** Pixels of all 12 bands of one patch: 4·14400 + 6·3600 + 2·400. */
export const PATCH_PIXELS = 80000;

/** Most bytes one patch name may have (real names are 31–33 ASCII bytes). */
export const MAX_NAME_BYTES = 256;
/** Most bytes of the joined 19-class label names of one patch (all 19 names take 600 bytes). */
export const MAX_LABEL_BYTES = 2048;

/** TFRecord frame header: u64 length + u32 masked CRC of the length. */
export const TFRECORD_HEADER_BYTES = 12;
/** TFRecord frame footer: u32 masked CRC of the data. */
export const TFRECORD_FOOTER_BYTES = 4;
/** Constant added when masking a CRC32C in TFRecord framing. */
export const TFRECORD_MASK_DELTA = 0xa282ead8;
/** CRC32C (Castagnoli) reflected polynomial. */
export const CRC32C_POLY = 0x82f63b78;

// Status codes returned by the WASM kernels (0 = ok); src/wasm/status.ts maps each to a named error.
export const STATUS_OK = 0;
/** Input or output does not fit the arena region it must go in. */
export const STATUS_TOO_LARGE = 1;
/** A varint runs past the end of its buffer or over 10 bytes. */
export const STATUS_BAD_VARINT = 2;
/** A length-delimited field runs past the end of its message. */
export const STATUS_TRUNCATED = 3;
/** A wire type that protobuf does not define (or a group). */
export const STATUS_BAD_WIRE_TYPE = 4;
/** A BigEarthNet feature is missing; detail = feature index in sorted key order. */
export const STATUS_MISSING_FEATURE = 5;
/** A feature has the wrong kind or value count; detail = feature index. */
export const STATUS_BAD_FEATURE = 6;
/** A band value outside 0..65535, or a multi-hot value other than 0/1; detail = feature index. */
export const STATUS_BAD_VALUE = 7;
/** Too many features or labels for the decode table. */
export const STATUS_TOO_MANY = 8;
/** TFRecord frame: the masked CRC of the length does not match. */
export const STATUS_BAD_LENGTH_CRC = 9;
/** TFRecord frame: the masked CRC of the data does not match. */
export const STATUS_BAD_DATA_CRC = 10;

// Arena geometry (bytes). The arena is static memory inside the module; hosts read its offsets from the
// exported getters rather than hard-coding them.
/** The I/O window: generic CRC input, encoded framed record output, record input for decoding. */
export const IO_BYTES = 393216;
/** Rows of the generic feature table (one per feature of an Example). */
export const MAX_FEATURES = 64;
/** Most 19-class labels a record can list. */
export const MAX_LABELS = 19;

// Resampling (assembly/resample.ts). Methods as integers at the ABI; src/wasm/core.ts maps names to them.
export const RESAMPLE_TF1_BICUBIC = 0;
export const RESAMPLE_BICUBIC = 1;
export const RESAMPLE_BILINEAR = 2;
export const RESAMPLE_NEAREST = 3;
/** Largest side of a band the resampling regions hold (in and out). */
export const MAX_RESAMPLE_SIDE = 256;
/** A size or method the resampler does not take. */
export const STATUS_BAD_ARGUMENT = 11;

/** Largest side of a model input tensor built by layoutChannel (the 10 m bands are 120; room for 128). */
export const MAX_LAYOUT_SIDE = 128;
/** Most channels of one model input tensor (stack12 has 12). */
export const MAX_LAYOUT_CHANNELS = 12;

// Sentinel-1 and multi-modal (MM) records: ../shared/bigearthnet/V2-AND-S1.md. VV and VH are float_list features
// of 120×120 float32 backscatter values (dB); reference_map (v2) is an int64_list of 120×120 CLC level-3 codes.
/** Side in pixels of the Sentinel-1 bands and of a reference map. */
export const S1_SIDE = 120;
/** Pixels of one Sentinel-1 band (and of a reference map). */
export const S1_PIXELS = 14400;
/** Layout channel number of VV at the core's ABI (after the 12 S2 bands 0–11). */
export const CHANNEL_VV = 12;
/** Layout channel number of VH. */
export const CHANNEL_VH = 13;
/** The reference MM models' Sentinel-1 statistics (mean, std of the dB values). */
export const S1_VV_MEAN = -12.619993741972035;
export const S1_VV_STD = 5.115911777546365;
export const S1_VH_MEAN = -19.29044597721542;
export const S1_VH_STD = 5.464428464912864;
// Bits of the MM flags word the decoder sets for the optional MM features a record holds.
export const MM_HAS_VV = 1;
export const MM_HAS_VH = 2;
export const MM_HAS_REFERENCE_MAP = 4;
export const MM_HAS_NAME_S1 = 8;
/** The 19-class mask value of a reference-map pixel whose CLC code maps to no 19-class label (or is 0, NoData). */
export const MASK_UNMAPPED = 255;
