// The two BigEarthNet nomenclatures in their official index order (../shared/bigearthnet/FACTS.md).
// Other tools sort names alphabetically; ben19 keeps the index order because the reference's multi-hot
// vectors and its TFRecord label lists follow it.

/** The 43 original CORINE land-cover labels, index 0..42. */
export const LABELS_43 = [
  "Continuous urban fabric",
  "Discontinuous urban fabric",
  "Industrial or commercial units",
  "Road and rail networks and associated land",
  "Port areas",
  "Airports",
  "Mineral extraction sites",
  "Dump sites",
  "Construction sites",
  "Green urban areas",
  "Sport and leisure facilities",
  "Non-irrigated arable land",
  "Permanently irrigated land",
  "Rice fields",
  "Vineyards",
  "Fruit trees and berry plantations",
  "Olive groves",
  "Pastures",
  "Annual crops associated with permanent crops",
  "Complex cultivation patterns",
  "Land principally occupied by agriculture, with significant areas of natural vegetation",
  "Agro-forestry areas",
  "Broad-leaved forest",
  "Coniferous forest",
  "Mixed forest",
  "Natural grassland",
  "Moors and heathland",
  "Sclerophyllous vegetation",
  "Transitional woodland/shrub",
  "Beaches, dunes, sands",
  "Bare rock",
  "Sparsely vegetated areas",
  "Burnt areas",
  "Inland marshes",
  "Peatbogs",
  "Salt marshes",
  "Salines",
  "Intertidal flats",
  "Water courses",
  "Water bodies",
  "Coastal lagoons",
  "Estuaries",
  "Sea and ocean",
] as const;

/** The 19-class nomenclature, index 0..18. Note "Transitional woodland, shrub" (a comma, unlike the 43-class name). */
export const LABELS_19 = [
  "Urban fabric",
  "Industrial or commercial units",
  "Arable land",
  "Permanent crops",
  "Pastures",
  "Complex cultivation patterns",
  "Land principally occupied by agriculture, with significant areas of natural vegetation",
  "Agro-forestry areas",
  "Broad-leaved forest",
  "Coniferous forest",
  "Mixed forest",
  "Natural grassland and sparsely vegetated areas",
  "Moors, heathland and sclerophyllous vegetation",
  "Transitional woodland, shrub",
  "Beaches, dunes, sands",
  "Inland wetlands",
  "Coastal wetlands",
  "Inland waters",
  "Marine waters",
] as const;

export type Label43 = (typeof LABELS_43)[number];
export type Label19 = (typeof LABELS_19)[number];

/** For each 19-class index, the 43-class indices it is the OR of. 43-class 3–10, 30, 32, 37 map to nothing. */
export const SOURCES_19: readonly (readonly number[])[] = [
  [0, 1],
  [2],
  [11, 12, 13],
  [14, 15, 16, 18],
  [17],
  [19],
  [20],
  [21],
  [22],
  [23],
  [24],
  [25, 31],
  [26, 27],
  [28],
  [29],
  [33, 34],
  [35, 36],
  [38, 39],
  [40, 41, 42],
];

/** For each 43-class index, its 19-class index, or -1 when it maps to none. Derived from SOURCES_19. */
export const TARGET_19: readonly number[] = LABELS_43.map((_, i43) => SOURCES_19.findIndex((s) => s.includes(i43)));
