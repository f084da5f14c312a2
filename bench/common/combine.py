"""Joins a group's own rows with PyTorch's and adds the ratio rows; or prints a table.

    combine.py GROUP GRADFLOW.jsonl TORCH.jsonl   -> JSON lines on stdout
    combine.py --table RESULTS.jsonl              -> a readable table on stdout

A PyTorch row (from ../shared/peers/torch_reference.py --json) is compared with the gradflow row
of the same workload and metric; when the gradflow row has a "threads" field (the tensor group
measures at T=1 and T=2), the threads must match too. The ratio row is
    {"workload": w, "metric": "ratio_to_torch", "value": gradflow / torch, "unit": "x",
     "figure": metric, "threads": T, ...}
so a ratio below 1 means gradflow's number is smaller: faster for a time, slower for GFLOP/s.
Figures in the unit "fraction" (accuracies) get no ratio row: both rows stand side by side.
"""
import json
import sys


def read(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def combine(group, ours_path, torch_path):
    ours = read(ours_path)
    theirs = read(torch_path)
    rows = []
    for r in ours:
        rows.append({**r, "group": group, "impl": "gradflow"})
    for r in theirs:
        rows.append({**r, "group": group, "impl": "torch"})
    for t in theirs:
        for r in ours:
            if r["workload"] != t["workload"] or r["metric"] != t["metric"]:
                continue
            if "threads" in r and r["threads"] != t.get("threads"):
                continue
            if not t["value"] or r["unit"] == "fraction":
                continue
            rows.append({"workload": r["workload"], "metric": "ratio_to_torch",
                         "value": r["value"] / t["value"], "unit": "x", "figure": r["metric"],
                         "threads": t.get("threads"), "group": group, "impl": "gradflow/torch"})
    for row in rows:
        print(json.dumps(row))


def table(path):
    rows = read(path)
    print(f"{'workload':18s} {'metric':32s} {'impl':14s} {'T':>2s} {'value':>14s} unit")
    for r in rows:
        metric = r["metric"] + (f" ({r['figure']})" if "figure" in r else "")
        v = r["value"]
        text = f"{v:.4g}" if isinstance(v, float) else str(v)
        threads = r.get("threads")
        threads = "" if threads is None else str(threads)
        print(f"{r['workload']:18s} {metric:32s} {r.get('impl', ''):14s} {threads:>2s} {text:>14s}"
              f" {r['unit']}")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--table":
        table(sys.argv[2])
    elif len(sys.argv) == 4:
        combine(*sys.argv[1:])
    else:
        sys.exit(__doc__)
