"""What group `nn` runs: the thread counts, epochs and spiral steps, shared by `run` (gradflow's
side) and `torch_workloads` (PyTorch's side), so that both sides always train equally long.

Full run (the targets of issue 5): spiral 10,000 steps, fmnist-mlp 10 epochs, fmnist-cnn 8
epochs. --quick: 1 epoch of each Fashion-MNIST model (the spiral stays at 10,000 steps: it takes
about a second, and torch_reference.py's spiral always runs 10,000). Overrides (environment):
GRADFLOW_BENCH_NN_EPOCHS_MLP, GRADFLOW_BENCH_NN_EPOCHS_CNN.
"""
import os
import sys

THREADS = (1, 2)
SPIRAL_STEPS = 10000  # torch_reference.py's train_10000_steps_float32
FULL_EPOCHS = {"fmnist-mlp": 10, "fmnist-cnn": 8}
QUICK_EPOCHS = {"fmnist-mlp": 1, "fmnist-cnn": 1}
ENV = {"fmnist-mlp": "GRADFLOW_BENCH_NN_EPOCHS_MLP", "fmnist-cnn": "GRADFLOW_BENCH_NN_EPOCHS_CNN"}


def epochs(workload, quick):
    """Epochs of an fmnist-* workload: the environment's override, else the quick or full count."""
    text = os.environ.get(ENV[workload], "").strip()
    if not text:
        return (QUICK_EPOCHS if quick else FULL_EPOCHS)[workload]
    if not text.isdigit() or int(text) < 1:
        sys.exit(f"bench/nn: {ENV[workload]}={text!r}: expected a whole number >= 1")
    return int(text)
