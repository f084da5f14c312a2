#!/usr/bin/python3
"""Loads the models torch_interop_writer saved into torch_reference.py's architectures with a
strict load_state_dict, and checks that torch computes gradflow's outputs. Exit 77 (skipped)
without torch."""
import json
import struct
import sys

try:
    import numpy as np
    import torch
    import torch.nn as nn
except ImportError:
    print("torch or numpy not installed: skipped")
    sys.exit(77)


def load_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    body = raw[8 + n:]
    out = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        assert entry["dtype"] == "F32", entry
        begin, end = entry["data_offsets"]
        values = np.frombuffer(body[begin:end], dtype=np.float32).reshape(entry["shape"])
        out[name] = torch.tensor(values.copy())
    return out


# As in ../shared/peers/torch_reference.py.
MODELS = {
    "mlp": lambda: nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128),
                                 nn.ReLU(), nn.Linear(128, 10)),
    "cnn": lambda: nn.Sequential(nn.Conv2d(1, 16, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                                 nn.Conv2d(16, 32, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                                 nn.Flatten(), nn.Linear(1568, 128), nn.ReLU(), nn.Linear(128, 10)),
}


def main(folder):
    x = torch.tensor(np.fromfile(f"{folder}/input.f32", dtype=np.float32).reshape(2, 1, 28, 28))
    ok = True
    for name, make in MODELS.items():
        model = make()
        model.load_state_dict(load_safetensors(f"{folder}/{name}.safetensors"), strict=True)
        with torch.no_grad():
            y = model(x).numpy().ravel()
        want = np.fromfile(f"{folder}/{name}.out.f32", dtype=np.float32)
        err = float(np.abs(y - want).max())
        print(f"{name}: max |torch - gradflow| = {err:.3g}")
        ok = ok and err < 1e-4
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
