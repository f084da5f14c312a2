#!/usr/bin/python3
"""Writes the fixtures of the data-layer tests, so that the C++ tests need no Python.

    /usr/bin/python3 tests/data/make_fixtures.py [--reference ../shared/peers/torch_reference.py]

- fixtures/numpy_random.txt  numpy RandomState draws, spiral(seed) of the reference, permutations,
                             and torch_reference's standardised Fashion-MNIST test image 0
- fixtures/python_written.safetensors  a safetensors file written with struct + json only

Values are written as float.hex(), so the C++ side compares bit for bit.

numpy 1.22-1.26 computes float64 sin/cos with Intel's SVML on AVX-512 CPUs; those results are up
to 3 ulp from the correctly rounded ones and differ from glibc's (and so from C++'s std::sin).
Everything random in spiral() (the angles, the weights) is the same either way. The fixture is
therefore made with numpy's AVX-512 paths disabled, where np.sin/np.cos are glibc's, for the exact
comparison; the spiral as numpy computes it by default here is stored too, for a few-ulp check.
"""
import argparse
import importlib.util
import json
import os
import struct
import subprocess
import sys

# Read by numpy when it is imported, so set before anything imports it.
AVX512 = "AVX512F AVX512CD AVX512_SKX AVX512_CLX AVX512_CNL AVX512_ICL"
if "--default-simd" not in sys.argv:
    os.environ["NPY_DISABLE_CPU_FEATURES"] = AVX512

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "fixtures")


def load_reference(path):
    sys.argv = sys.argv[:1]  # the reference reads --threads from argv when it loads
    spec = importlib.util.spec_from_file_location("torch_reference", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def line(name, values, fmt):
    return name + " " + str(len(values)) + " " + " ".join(fmt(v) for v in values) + "\n"


def floats(name, values):
    return line(name, [float(v) for v in values], float.hex)


def ints(name, values):
    return line(name, [int(v) for v in values], str)


def write_random_fixture(ref):
    import numpy as np
    out = []
    rs = np.random.RandomState(0)
    out.append(floats("uniform_seed0", rs.random_sample(6)))
    rs = np.random.RandomState(12345)
    out.append(floats("randn_seed12345", rs.randn(7)))  # odd count: the cache carries over
    out.append(floats("randn_seed12345_next", rs.randn(3)))
    rs = np.random.RandomState(3)
    out.append(ints("permutation_seed3_10", rs.permutation(10)))
    out.append(ints("permutation_seed3_then_1000_first20", rs.permutation(1000)[:20]))

    # The reference's spiral, the whole data set for seed 0 and a corner of another shape.
    X, y, (w1, b1, w2, b2) = ref.spiral(0)
    out.append(floats("spiral_seed0_x", X.ravel()))
    out.append(ints("spiral_seed0_y", y))
    out.append(floats("spiral_seed0_w1", w1.ravel()))
    out.append(floats("spiral_seed0_w2", w2.ravel()))
    default_simd = subprocess.run(
        [sys.executable, os.path.abspath(__file__), "--default-simd", "--reference", ref.__file__],
        check=True, capture_output=True, text=True,
        env={k: v for k, v in os.environ.items() if k != "NPY_DISABLE_CPU_FEATURES"}).stdout
    out.append(default_simd)
    X, y, (w1, b1, w2, b2) = ref.spiral(7, n=50, k=4)
    out.append(floats("spiral_seed7_n50_k4_x_first40", X.ravel()[:40]))
    out.append(floats("spiral_seed7_n50_k4_x_last40", X.ravel()[-40:]))
    out.append(floats("spiral_seed7_n50_k4_w2_last20", w2.ravel()[-20:]))

    if os.path.isdir(ref.FMNIST_DIR):
        x, labels = ref.fashion_mnist("test")
        out.append(floats("fmnist_test0_standardised", x[0].flatten().tolist()))
        out.append(ints("fmnist_test_labels_first20", labels[:20].tolist()))
    with open(os.path.join(FIXTURES, "numpy_random.txt"), "w") as f:
        f.writelines(out)


# (name, dtype, shape, values): the tensors of the Python-written safetensors fixture.
SAFETENSORS_SAMPLE = [
    ("weight", "F32", [2, 3], [0.5, -1.25, 3.0e-8, float("inf"), -0.0, 1.0 / 3.0]),
    ("bias", "F64", [3], [0.1, -2.5, 1.0e300]),
    ("steps", "I64", [2, 2], [0, -1, 2**62, -(2**63)]),
    ("scale", "F32", [], [2.0]),
    ("empty", "F64", [0, 4], []),
]
FORMATS = {"F32": ("<f", 4), "F64": ("<d", 8), "I64": ("<q", 8)}


def write_safetensors(path, tensors, metadata):
    """The layout of the format, by hand: 8-byte header length, JSON, little-endian data."""
    # Eight-byte dtypes first, then by name, as the Python package orders them.
    order = sorted(tensors, key=lambda t: (-FORMATS[t[1]][1], t[0]))
    header, blobs, offset = {}, [], 0
    for name, dtype, shape, values in order:
        code, size = FORMATS[dtype]
        blob = b"".join(struct.pack(code, v) for v in values)
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    header["__metadata__"] = metadata
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--reference", default=os.path.join(HERE, "../../../shared/peers/torch_reference.py"))
    parser.add_argument("--default-simd", action="store_true",
                        help="print spiral(0) as numpy computes it with every SIMD path enabled")
    args = parser.parse_args()
    if args.default_simd:
        X, _, _ = load_reference(os.path.abspath(args.reference)).spiral(0)
        sys.stdout.write(floats("spiral_seed0_x_numpy_default_simd", X.ravel()))
        return
    os.makedirs(FIXTURES, exist_ok=True)
    write_random_fixture(load_reference(os.path.abspath(args.reference)))
    write_safetensors(os.path.join(FIXTURES, "python_written.safetensors"), SAFETENSORS_SAMPLE,
                      {"format": "pt", "written_by": "make_fixtures.py"})


if __name__ == "__main__":
    main()
