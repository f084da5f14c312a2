#!/usr/bin/python3
"""Markdown tables of a `scalar` run, for docs/benchmarks.md.

Usage: bench/scalar/table.py [build/bench/results/scalar.jsonl]
"""
import json
import sys


def fmt_time(ns):
    if ns is None:
        return "–"
    if ns >= 1e6:
        return f"{ns / 1e6:.3g} ms"
    if ns >= 1e3:
        return f"{ns / 1e3:.3g} µs"
    return f"{ns:.3g} ns"


def fmt(v, unit=""):
    return "–" if v is None else f"{v:.3g}{unit}"


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "build/bench/results/scalar.jsonl"
    with open(path) as f:
        rows = [json.loads(line) for line in f if line.strip()]
    ours = {(r["workload"], r["metric"]): r["value"] for r in rows if r.get("impl") == "gradflow"}
    torch = {(r["workload"], r["metric"]): r["value"] for r in rows if r.get("impl") == "torch"}
    ratio = {(r["workload"], r["figure"]): r["value"] for r in rows
             if r.get("metric") == "ratio_to_torch"}
    g = lambda w, m: ours.get((w, m))  # noqa: E731

    print("| workload | gradflow | plain double | hand adjoint | ÷ double | ÷ hand adjoint |"
          " time per op | tape bytes per op |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    print(f"| seed-circuit (per gradient) | {fmt_time(g('seed-circuit', 'time_per_gradient'))} "
          f"| {fmt_time(g('seed-circuit', 'time_per_gradient_double'))} "
          f"| {fmt_time(g('seed-circuit', 'time_per_gradient_hand_adjoint'))} "
          f"| {fmt(g('seed-circuit', 'ratio_to_double'), 'x')} "
          f"| {fmt(g('seed-circuit', 'ratio_to_hand_adjoint'), 'x')} | – | – |")
    print(f"| scalar-chain (per op) | {fmt_time(g('scalar-chain', 'time_per_op'))} "
          f"| {fmt_time(g('scalar-chain', 'time_per_op_double'))} "
          f"| {fmt_time(g('scalar-chain', 'time_per_op_hand_adjoint'))} "
          f"| {fmt(g('scalar-chain', 'ratio_to_double'), 'x')} "
          f"| {fmt(g('scalar-chain', 'ratio_to_hand_adjoint'), 'x')} "
          f"| {fmt_time(g('scalar-chain', 'time_per_op'))} "
          f"| {fmt(g('scalar-chain', 'tape_bytes_per_op'), ' B')} |")
    for base in ["sum", "prod", "log-sum-exp", "normal-lpdf", "tanh-layer"]:
        for w in (base, base + "-loop"):
            print(f"| {w} | {fmt_time(g(w, 'time_per_gradient'))} "
                  f"| {fmt_time(g(base, 'time_per_gradient_double'))} "
                  f"| {fmt_time(g(base, 'time_per_gradient_hand_adjoint'))} "
                  f"| {fmt(g(w, 'ratio_to_double'), 'x')} "
                  f"| {fmt(g(w, 'ratio_to_hand_adjoint'), 'x')} "
                  f"| {fmt_time(g(w, 'time_per_op'))} "
                  f"| {fmt(g(w, 'tape_bytes_per_op'), ' B')} |")
    bare = g("seed-circuit", "time_per_gradient_bare_tape")
    if bare is not None:
        print()
        print(f"The seed circuit on a bare tape (same gates and sweep, no checks): "
              f"{fmt_time(bare)}.")
    lean = g("seed-circuit", "time_per_gradient_bare_tape_lean_sweep")
    if lean is not None:
        print(f"The same entries swept with no tests at all (as Adept and Stan sweep): "
              f"{fmt_time(lean)}.")
    statement = g("seed-circuit", "time_per_gradient_bare_statement")
    if statement is not None:
        print(f"The whole circuit as one entry on a bare tape (a statement's floor): "
              f"{fmt_time(statement)}.")
    if torch:
        print()
        print("| workload | figure | gradflow | PyTorch | gradflow ÷ PyTorch |")
        print("|---|---|---:|---:|---:|")
        for (w, m), v in torch.items():
            print(f"| {w} | {m} | {fmt_time(ours.get((w, m)))} | {fmt_time(v)} "
                  f"| {fmt(ratio.get((w, m)), 'x')} |")


if __name__ == "__main__":
    main()
