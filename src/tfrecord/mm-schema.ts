// The multi-modal (MM) record schema: one tf.train.Example per Sentinel-2/Sentinel-1 pair, as TU Berlin's
// BigEarthNet-MM 19-class prep script writes it (../shared/bigearthnet/V2-AND-S1.md). It holds the S2 record's
// features (12 bands, labels, multi-hot) without `patch_name`, plus VV and VH (float_list, 14,400 float32 values
// each, row-major), `patch_name_s1` and `patch_name_s2` (bytes_list), and with reBEN reference maps
// `reference_map` (int64_list, 14,400 CLC level-3 codes). Keys are written in bytewise-sorted order, as protobuf's
// deterministic serialization writes map entries. This is the one place these names and sizes live: prep, verify,
// the dataset and the models import them from here.

/** The Sentinel-1 polarisations of a patch, in the order ben19 keeps them (files `<patch>_VV.tif`, `_VH.tif`). */
export const S1_BANDS = ["VV", "VH"] as const;
export type S1Band = (typeof S1_BANDS)[number];

/** Side in pixels of a Sentinel-1 patch and of a reference map (10 m, as the S2 10 m bands). */
export const S1_SIDE = 120;
/** Values of one S1 band and of one reference map. */
export const S1_PIXELS = S1_SIDE * S1_SIDE;

/** Feature keys of an MM record that the S2 record does not have. */
export const KEY_VV = "VV";
export const KEY_VH = "VH";
export const KEY_PATCH_NAME_S1 = "patch_name_s1";
export const KEY_PATCH_NAME_S2 = "patch_name_s2";
export const KEY_REFERENCE_MAP = "reference_map";
/** The S2 record's name key, which an MM record replaces with the two above. */
export const KEY_PATCH_NAME = "patch_name";

/** The features an MM record adds after the S2 part's labels, in bytewise-sorted key order ("V" < "p" < "r"). */
export const MM_EXTRA_KEYS = [KEY_VH, KEY_VV, KEY_PATCH_NAME_S1, KEY_PATCH_NAME_S2] as const;

/**
 * Sentinel-1 statistics of the reference MM models (dB backscatter): z-score = (x − mean) / std, as for S2.
 * Facts from V2-AND-S1.md.
 */
export const S1_MEAN: Readonly<Record<S1Band, number>> = { VV: -12.619993741972035, VH: -19.29044597721542 };
export const S1_STD: Readonly<Record<S1Band, number>> = { VV: 5.115911777546365, VH: 5.464428464912864 };

/**
 * CORINE Land Cover level-3 code of each of the 43 classes, in 43-class index order (FACTS.md's names): the pixel
 * values of a reBEN reference map.
 */
export const CLC_CODES_43: readonly number[] = [
  111, 112, 121, 122, 123, 124, 131, 132, 133, 141, 142, 211, 212, 213, 221, 222, 223, 231, 241, 242, 243, 244,
  311, 312, 313, 321, 322, 323, 324, 331, 332, 333, 334, 411, 412, 421, 422, 423, 511, 512, 521, 522, 523,
];

/** The reference map's NoData value (a pixel with no CORINE class). */
export const REFERENCE_MAP_NODATA = 0;
