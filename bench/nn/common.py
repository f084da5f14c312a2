"""What the scripts of group `nn` share: running `gradflow train`, and torch_reference.py as a
module (it lives in ../shared/peers, read-only; its functions are called, not copied)."""
import importlib.util
import json
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TORCH_REFERENCE = os.path.normpath(os.path.join(ROOT, "..", "shared", "peers",
                                                "torch_reference.py"))


def gradflow_cli(build_dir, prog):
    """The `gradflow` command of a build; exits naming `prog` when it is not there."""
    cli = os.path.join(build_dir, "tools", "gradflow", "gradflow")
    if not os.access(cli, os.X_OK):
        sys.exit(f"{prog}: no {cli} (build the target gradflow_bench_nn)")
    return cli


def train(cli, threads, args, prog):
    """Runs `gradflow train ARGS --threads T --json` with OMP_NUM_THREADS and
    OPENBLAS_NUM_THREADS set to T, and returns its JSON object; exits naming `prog` if it fails."""
    cmd = [cli, "train", *args, "--threads", str(threads), "--json"]
    env = {**os.environ, "OMP_NUM_THREADS": str(threads), "OPENBLAS_NUM_THREADS": str(threads)}
    print(f"{prog}: {' '.join(cmd[1:])}", file=sys.stderr, flush=True)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, env=env)
    if proc.returncode != 0:
        sys.exit(f"{prog}: gradflow train failed with exit status {proc.returncode}")
    print(f"{prog}:   done in {time.perf_counter() - t0:.1f} s", file=sys.stderr, flush=True)
    return json.loads(proc.stdout)


def torch_reference(threads, prog):
    """Imports torch_reference.py with `threads` threads (it sets the BLAS thread count from its
    own command line when it loads); exits with one line naming `prog` when it or torch is
    missing."""
    if not os.path.isfile(TORCH_REFERENCE):
        sys.exit(f"{prog}: no {TORCH_REFERENCE}")
    spec = importlib.util.spec_from_file_location("torch_reference", TORCH_REFERENCE)
    module = importlib.util.module_from_spec(spec)
    argv, sys.argv = sys.argv, [TORCH_REFERENCE, "--threads", str(threads)]
    try:
        spec.loader.exec_module(module)
    except ImportError as e:
        sys.exit(f"{prog}: {TORCH_REFERENCE} needs {e.name or e}: {e}")
    finally:
        sys.argv = argv
    module.torch.set_num_threads(threads)
    return module


def seed_list(text, prog):
    """"0,1,2" as a list of seeds (whole numbers that fit gradflow's 32-bit --seed)."""
    try:
        seeds = [int(s) for s in text.split(",")]
    except ValueError:
        seeds = []
    if not seeds or any(not 0 <= s < 2 ** 32 for s in seeds):
        sys.exit(f"{prog}: --seeds {text!r}: expected comma-separated whole numbers "
                 f"from 0 to {2 ** 32 - 1}")
    return seeds
