#!/usr/bin/python3
"""Reads the file safetensors_writer made, with nothing but struct and json, and checks the layout
the format prescribes and every value; then, if PyTorch is installed, loads the tensors with
torch.frombuffer and compares again. Exit status 0 on success.

    /usr/bin/python3 tests/data/check_safetensors.py OUT.safetensors
"""
import json
import struct
import sys

FORMATS = {"F32": ("f", 4), "F64": ("d", 8), "I64": ("q", 8)}
EXPECTED = {
    "fc1.weight": ("F32", [3, 4], [i * 0.25 - 1.0 for i in range(12)]),
    "fc1.bias": ("F64", [4], [i / 3.0 for i in range(4)]),
    "step": ("I64", [], [-(2**63)]),
    "empty": ("F32", [0, 2], []),
}


def numel(shape):
    n = 1
    for d in shape:
        n *= d
    return n


def main(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    assert 8 + n <= len(raw), "header length beyond the file"
    text = raw[8:8 + n].decode("utf-8")
    assert text.startswith("{"), "header does not start with {"
    header = json.loads(text)
    data = raw[8 + n:]
    assert header.pop("__metadata__") == {"format": "pt", "writer": "gradflow"}
    assert set(header) == set(EXPECTED), sorted(header)

    spans = sorted((e["data_offsets"][0], e["data_offsets"][1], name) for name, e in header.items())
    at = 0
    for begin, end, name in spans:
        assert begin == at, f"{name} begins at {begin}, expected {at}: gap or overlap"
        at = end
    assert at == len(data), "data not covered exactly"

    values = {}
    for name, (dtype, shape, expected) in EXPECTED.items():
        entry = header[name]
        assert entry["dtype"] == dtype and entry["shape"] == shape, (name, entry)
        code, size = FORMATS[dtype]
        begin, end = entry["data_offsets"]
        assert end - begin == numel(shape) * size, name
        got = list(struct.unpack("<" + code * numel(shape), data[begin:end]))
        if dtype == "F32":  # compare with the float32 rounding of the expectation
            expected = list(struct.unpack("<" + code * len(expected), struct.pack("<" + code * len(expected), *expected)))
        assert got == expected, (name, got, expected)
        values[name] = got
    print(f"struct+json: {len(EXPECTED)} tensors, layout and values as written")

    try:
        import torch
    except ImportError:
        print("torch: not installed, skipped")
        return
    dtypes = {"F32": torch.float32, "F64": torch.float64, "I64": torch.int64}
    for name, (dtype, shape, _) in EXPECTED.items():
        begin, end = header[name]["data_offsets"]
        chunk = bytearray(data[begin:end])
        t = (torch.frombuffer(chunk, dtype=dtypes[dtype]) if chunk else torch.empty(0, dtype=dtypes[dtype]))
        t = t.reshape(shape)
        assert t.flatten().tolist() == values[name], name
    print(f"torch {torch.__version__}: tensors load with the same values")


if __name__ == "__main__":
    main(sys.argv[1])
