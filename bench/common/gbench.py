"""Running a Google Benchmark executable and reading back the medians of its repetitions.

Shared by the per-group `run` scripts (bench/<group>/run); see bench/README.md.
"""
import json
import subprocess
import sys

# (repetitions, seconds of minimum time per repetition) for a full and a --quick run.
FULL = (9, 0.05)
QUICK = (3, 0.01)


def run_medians(binary, quick=False, benchmark_filter=None):
    """Runs `binary` with repetitions and returns {benchmark name: median row}.

    A median row is Google Benchmark's JSON aggregate row: `cpu_time` and `real_time` in
    `time_unit`, plus the benchmark's counters (medians too). Repetitions are randomly
    interleaved, so slow drifts of a shared machine hit every variant alike. Exits with an error
    if any benchmark failed (a benchmark checks its result before it times anything).
    """
    reps, min_time = QUICK if quick else FULL
    cmd = [str(binary), "--benchmark_format=json", f"--benchmark_repetitions={reps}",
           f"--benchmark_min_time={min_time}", "--benchmark_report_aggregates_only=true",
           "--benchmark_enable_random_interleaving=true"]
    if benchmark_filter:
        cmd.append(f"--benchmark_filter={benchmark_filter}")
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, text=True)
    if proc.returncode != 0:
        sys.exit(f"{binary} failed with exit status {proc.returncode}")
    report = json.loads(proc.stdout)
    medians, errors = {}, []
    for row in report["benchmarks"]:
        if row.get("error_occurred"):
            errors.append(f"{row['run_name']}: {row.get('error_message', 'error')}")
        elif row.get("aggregate_name") == "median":
            medians[row["run_name"]] = row
    if errors:
        sys.exit("benchmarks failed:\n  " + "\n  ".join(sorted(set(errors))))
    return medians, report.get("context", {})


_TO_NS = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}


def time_ns(row):
    """A median row's CPU time in nanoseconds per iteration."""
    return row["cpu_time"] * _TO_NS[row["time_unit"]]


def emit(workload, metric, value, unit):
    """Prints one result line in the schema of ../shared/peers/torch_reference.py."""
    print(json.dumps({"workload": workload, "metric": metric, "value": value, "unit": unit}),
          flush=True)
