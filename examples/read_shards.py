#!/usr/bin/env python3
"""Read ben19's TFRecord shards from Python with nothing but the protobuf runtime (Debian: python3-protobuf).

    python3 examples/read_shards.py tfrecords/val.tfrecord            # one line per patch
    python3 examples/read_shards.py tfrecords/val.tfrecord --json     # one JSON object per patch

Each record is a tf.train.Example with the 12 bands (int64 lists, row-major: 120x120 at 10 m, 60x60 at 20 m,
20x20 at 60 m), the 19-class label names, their multi-hot vector and the patch name, exactly as the reference's
prep_splits_19_classes.py writes them. This file checks what it reads: both CRCs of every record, every band's
size and value range, and that the label names and the multi-hot vector agree. With TensorFlow or PyTorch
installed, see the README for a tf.data pipeline and a torch Dataset over the same files.
"""
import hashlib
import json
import struct
import sys

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

BANDS = {"B01": 20, "B02": 120, "B03": 120, "B04": 120, "B05": 60, "B06": 60, "B07": 60, "B08": 120,
         "B8A": 60, "B09": 20, "B11": 60, "B12": 60}
LABELS_19 = [
    "Urban fabric", "Industrial or commercial units", "Arable land", "Permanent crops", "Pastures",
    "Complex cultivation patterns",
    "Land principally occupied by agriculture, with significant areas of natural vegetation",
    "Agro-forestry areas", "Broad-leaved forest", "Coniferous forest", "Mixed forest",
    "Natural grassland and sparsely vegetated areas", "Moors, heathland and sclerophyllous vegetation",
    "Transitional woodland, shrub", "Beaches, dunes, sands", "Inland wetlands", "Coastal wetlands",
    "Inland waters", "Marine waters",
]


def example_class():
    """tf.train.Example built from its .proto definition (tensorflow/core/example/{example,feature}.proto)."""
    f = descriptor_pb2.FileDescriptorProto(name="ben19_example.proto", package="tensorflow", syntax="proto3")
    T = descriptor_pb2.FieldDescriptorProto

    def add(m, name, number, ftype, label=T.LABEL_OPTIONAL, type_name=None, packed=False):
        fd = m.field.add(name=name, number=number, type=ftype, label=label)
        if type_name:
            fd.type_name = type_name
        if packed:
            fd.options.packed = True
        return fd

    bytes_list = f.message_type.add(name="BytesList")
    add(bytes_list, "value", 1, T.TYPE_BYTES, T.LABEL_REPEATED)
    float_list = f.message_type.add(name="FloatList")
    add(float_list, "value", 1, T.TYPE_FLOAT, T.LABEL_REPEATED, packed=True)
    int64_list = f.message_type.add(name="Int64List")
    add(int64_list, "value", 1, T.TYPE_INT64, T.LABEL_REPEATED, packed=True)
    feature = f.message_type.add(name="Feature")
    feature.oneof_decl.add(name="kind")
    for name, number, type_name in (("bytes_list", 1, "BytesList"), ("float_list", 2, "FloatList"),
                                    ("int64_list", 3, "Int64List")):
        add(feature, name, number, T.TYPE_MESSAGE, type_name=f".tensorflow.{type_name}").oneof_index = 0
    features = f.message_type.add(name="Features")
    entry = features.nested_type.add(name="FeatureEntry")
    entry.options.map_entry = True
    add(entry, "key", 1, T.TYPE_STRING)
    add(entry, "value", 2, T.TYPE_MESSAGE, type_name=".tensorflow.Feature")
    add(features, "feature", 1, T.TYPE_MESSAGE, T.LABEL_REPEATED, type_name=".tensorflow.Features.FeatureEntry")
    example = f.message_type.add(name="Example")
    add(example, "features", 1, T.TYPE_MESSAGE, type_name=".tensorflow.Features")
    pool = descriptor_pool.DescriptorPool()
    pool.Add(f)
    descriptor = pool.FindMessageTypeByName("tensorflow.Example")
    if hasattr(message_factory, "GetMessageClass"):
        return message_factory.GetMessageClass(descriptor)
    return message_factory.MessageFactory(pool).GetPrototype(descriptor)


def _crc32c_table():
    table = []
    for n in range(256):
        c = n
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return table


_TABLE = _crc32c_table()


def masked_crc32c(data):
    """The TFRecord checksum: CRC32C (Castagnoli), rotated and offset ("masked")."""
    c = 0xFFFFFFFF
    for b in data:
        c = _TABLE[(c ^ b) & 0xFF] ^ (c >> 8)
    c ^= 0xFFFFFFFF
    return (((c >> 15) | (c << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def read_records(path):
    """Yields the data of every record of a TFRecord file, checking both CRCs."""
    with open(path, "rb") as fh:
        index = 0
        while True:
            header = fh.read(12)
            if not header:
                return
            if len(header) < 12:
                raise ValueError(f"{path}: record {index}: the file ends inside a record header")
            length, length_crc = struct.unpack("<QI", header)
            if masked_crc32c(header[:8]) != length_crc:
                raise ValueError(f"{path}: record {index}: the length CRC does not match")
            data = fh.read(length)
            footer = fh.read(4)
            if len(data) < length or len(footer) < 4:
                raise ValueError(f"{path}: record {index}: the file ends inside a record")
            if masked_crc32c(data) != struct.unpack("<I", footer)[0]:
                raise ValueError(f"{path}: record {index}: the data CRC does not match")
            yield data
            index += 1


def parse_patch(example):
    """One record as a dict: patch name, 19-class labels, multi-hot, and the 12 bands as lists of rows."""
    feature = example.features.feature
    missing = [k for k in [*BANDS, "BigEarthNet-19_labels", "BigEarthNet-19_labels_multi_hot", "patch_name"]
               if k not in feature]
    if missing:
        raise ValueError(f"not a BigEarthNet-19 record: missing {', '.join(missing)}")
    name = feature["patch_name"].bytes_list.value[0].decode("utf-8")
    bands = {}
    for band, side in BANDS.items():
        values = feature[band].int64_list.value
        if len(values) != side * side:
            raise ValueError(f"{name}: {band} has {len(values)} values, expected {side}x{side}")
        if min(values) < 0 or max(values) > 65535:
            raise ValueError(f"{name}: {band} has values outside 0..65535")
        bands[band] = [list(values[r * side:(r + 1) * side]) for r in range(side)]
    labels = [v.decode("utf-8") for v in feature["BigEarthNet-19_labels"].bytes_list.value]
    multi_hot = list(feature["BigEarthNet-19_labels_multi_hot"].int64_list.value)
    if len(multi_hot) != 19 or any(v not in (0, 1) for v in multi_hot):
        raise ValueError(f"{name}: the multi-hot vector is not 19 values of 0/1: {multi_hot}")
    if [LABELS_19[i] for i, v in enumerate(multi_hot) if v] != labels:
        raise ValueError(f"{name}: labels {labels} disagree with the multi-hot vector {multi_hot}")
    return {"patch_name": name, "labels": labels, "multi_hot": multi_hot, "bands": bands}


def summary(patch):
    """What --json prints: names, labels, and per band its shape, mean and the sha256 of its little-endian uint16s."""
    out = {"patch_name": patch["patch_name"], "labels": patch["labels"], "multi_hot": patch["multi_hot"], "bands": {}}
    for band, rows in patch["bands"].items():
        flat = [v for row in rows for v in row]
        out["bands"][band] = {
            "shape": [len(rows), len(rows[0])],
            "mean": sum(flat) / len(flat),
            "sha256": hashlib.sha256(struct.pack(f"<{len(flat)}H", *flat)).hexdigest(),
        }
    return out


def main(argv):
    paths = [a for a in argv if not a.startswith("--")]
    if not paths:
        print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
        return 2
    Example = example_class()
    count = 0
    for path in paths:
        for data in read_records(path):
            example = Example()
            example.ParseFromString(data)
            patch = parse_patch(example)
            count += 1
            if "--json" in argv:
                print(json.dumps(summary(patch)))
            else:
                b02 = patch["bands"]["B02"]
                print(f"{patch['patch_name']}: B02 {len(b02)}x{len(b02[0])}, first pixel {b02[0][0]}; "
                      f"labels: {'; '.join(patch['labels']) or '(none)'}")
    print(f"read_shards.py: {count} records checked (CRCs, band sizes and ranges, labels vs multi-hot)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except (ValueError, OSError) as e:
        print(f"read_shards.py: error: {e}", file=sys.stderr)
        sys.exit(1)
