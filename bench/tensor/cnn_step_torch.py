#!/usr/bin/python3
"""PyTorch twin of bench/tensor/cnn_step.cpp: one forward + backward of torch_reference.py's
cnn() on a random float32 batch of 64 28x28 images (cross-entropy, no optimizer).

Usage: /usr/bin/python3 bench/tensor/cnn_step_torch.py [--threads T] [--json]
Prints the median milliseconds per step over 9 blocks (wall clock, like torch_reference.py).
"""
import argparse
import json
import os
import sys

T = sys.argv[sys.argv.index("--threads") + 1] if "--threads" in sys.argv[:-1] else "1"
for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
    os.environ[var] = T

import statistics  # noqa: E402
import time  # noqa: E402

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--json", action="store_true")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(1, 16, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Conv2d(16, 32, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                          nn.Linear(1568, 128), nn.ReLU(), nn.Linear(128, 10))
    x, y = torch.randn(64, 1, 28, 28), torch.randint(0, 10, (64,))

    def step():
        for q in model.parameters():
            q.grad = None
        F.cross_entropy(model(x), y).backward()

    for _ in range(3):
        step()
    blocks = []
    for _ in range(9):
        t0 = time.perf_counter()
        for _ in range(5):
            step()
        blocks.append((time.perf_counter() - t0) / 5)
    ms = statistics.median(blocks) * 1e3
    if a.json:
        print(json.dumps({"workload": "cnn-step", "metric": "time_per_step", "value": ms,
                          "unit": "ms", "threads": a.threads, "torch": torch.__version__}))
    else:
        print(f"cnn-step time_per_step {ms:.3f} ms (threads {a.threads})")


if __name__ == "__main__":
    main()
