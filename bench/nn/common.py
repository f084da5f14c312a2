"""torch_reference.py as a module, for the scripts of group `nn` that call its functions.

The reference lives in ../shared/peers (read-only, not copied here). It sets the BLAS thread
count from its own command line when it loads, so load() gives it one.
"""
import importlib.util
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PATH = os.path.join(ROOT, "..", "shared", "peers", "torch_reference.py")


def load(threads, caller):
    """Imports torch_reference.py with `threads` threads; exits naming `caller` if it is missing."""
    if not os.path.isfile(PATH):
        sys.exit(f"{caller}: no {PATH}")
    spec = importlib.util.spec_from_file_location("torch_reference", PATH)
    module = importlib.util.module_from_spec(spec)
    argv, sys.argv = sys.argv, [PATH, "--threads", str(threads)]
    try:
        spec.loader.exec_module(module)
    finally:
        sys.argv = argv
    module.torch.set_num_threads(threads)
    return module
