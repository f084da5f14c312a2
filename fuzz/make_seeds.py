#!/usr/bin/python3
"""Writes the seed corpora of the data-file fuzzers, small valid files and a few near misses:

    /usr/bin/python3 fuzz/make_seeds.py

- corpus/safetensors/  safetensors files built with struct + json (as the format describes them)
- corpus/idx/          IDX files, plain and gzip (one with two members)

The gzip files are written with mtime 0, so the output is the same on every run. Beside the
seeds lie, added by hand, the inputs that found bugs (empty_name, deep_shape, name_not_utf8, ...);
tests/fuzz replays them all.
"""
import gzip
import json
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def write(folder, name, data):
    path = os.path.join(HERE, "corpus", folder)
    os.makedirs(path, exist_ok=True)
    with open(os.path.join(path, name), "wb") as f:
        f.write(data)


# (name, dtype, shape, raw bytes) in file order; offsets follow from the sizes.
def safetensors(tensors, metadata=None, pad=True):
    header, offset = {}, 0
    for name, dtype, shape, raw in tensors:
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + len(raw)]}
        offset += len(raw)
    if metadata is not None:
        header["__metadata__"] = metadata
    text = json.dumps(header, separators=(",", ":")).encode()
    if pad:
        text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(t[3] for t in tensors)


f32 = lambda *v: struct.pack("<%df" % len(v), *v)
f64 = lambda *v: struct.pack("<%dd" % len(v), *v)
i64 = lambda *v: struct.pack("<%dq" % len(v), *v)

write("safetensors", "empty", safetensors([]))
write("safetensors", "one_f32", safetensors([("w", "F32", [2, 3], f32(1, 2, 3, 4, 5, 6))]))
write("safetensors", "mixed", safetensors(
    [("b", "F64", [], f64(-0.5)), ("n", "I64", [2], i64(7, -1)), ("a", "F32", [1, 2], f32(1.5, float("nan")))],
    {"format": "pt", "model": "mlp"}))
write("safetensors", "empty_tensors", safetensors(
    [("z", "F32", [0, 3], b""), ("x", "I64", [1], i64(3)), ("y", "F64", [3, 0], b"")], pad=False))
write("safetensors", "metadata_only", safetensors([], {"k": "v", "": "\u00e9\\\""}))
write("safetensors", "bad_dtype", safetensors([("h", "BF16", [2], b"\0\0\0\0")]))
write("safetensors", "trailing_bytes", safetensors([("a", "F32", [1], f32(1))]) + f32(2))


def idx(dims, payload, code=0x08):
    return bytes([0, 0, code, len(dims)]) + b"".join(struct.pack(">I", d) for d in dims) + payload


write("idx", "vector", idx([5], bytes(range(5))))
write("idx", "images", idx([2, 2, 3], bytes(range(100, 112))))
write("idx", "empty", idx([0, 28], b""))
write("idx", "labels.gz", gzip.compress(idx([4], bytes([9, 0, 3, 1])), mtime=0))
write("idx", "images.gz", gzip.compress(idx([3, 4], bytes(range(12))), mtime=0))
image = idx([2, 3], bytes(range(6)))
write("idx", "members.gz", gzip.compress(image[:7], mtime=0) + gzip.compress(image[7:], mtime=0))
write("idx", "short", idx([4], bytes(3)))
