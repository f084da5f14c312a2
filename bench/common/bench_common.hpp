#pragma once
/// @file
/// Helpers shared by the benchmark groups: deterministic inputs, and the counters through which a
/// benchmark tells bench/<group>/run what it recorded on the tape.

#include <gradflow/gradflow.hpp>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <random>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace gradflow::bench {

/// `n` numbers uniform on [lo, hi), the same in every run (seeded by `seed`).
inline std::vector<double> uniform(std::size_t n, double lo, double hi, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> dist(lo, hi);
  std::vector<double> out(n);
  for (double& v : out) v = dist(rng);
  return out;
}

/// `n` numbers drawn from N(mean, sd), the same in every run.
inline std::vector<double> normal(std::size_t n, double mean, double sd, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> dist(mean, sd);
  std::vector<double> out(n);
  for (double& v : out) v = dist(rng);
  return out;
}

/// Makes the optimizer forget the value of `v` before each timed iteration, so that the inputs
/// of a scalar workload are read afresh and nothing is computed ahead of the loop.
///
/// Note [Opaque doubles]
/// Not benchmark::DoNotOptimize: Google Benchmark 1.7's version for a small lvalue is the asm
/// constraint "+m,r", which GCC 12 at -O3 miscompiles for a double here (the same family as
/// google/benchmark#903). In scalar-chain the timed loop then ran on other numbers than the
/// checked first iteration: in one build its `a` held the previous result and tanh got NaNs,
/// which glibc returns at once (40 µs per gradient instead of 70); in the build before, the
/// inputs were off too, at about the right cost. The timed results are never checked, so only
/// a look at tanh's arguments showed it. A "+x" operand (the double stays in its SSE register)
/// or a plain "+m" is compiled right.
inline void opaque(double& v) {
#if defined(__x86_64__)
  asm volatile("" : "+x"(v));
#else
  asm volatile("" : "+m"(v) : : "memory");
#endif
}

/// What one gradient computation left on this thread's tape, measured once outside the timed
/// loop: `ops` is the number of gates recorded (leaves and the sink not counted), `bytes` is
/// Tape::bytes_in_use() (entries, adjoints and n-ary operands of the whole graph, leaves
/// included).
struct TapeUse {
  std::size_t ops = 0;
  std::size_t bytes = 0;
};

/// Marks the end of the leaves: every slot recorded after this call is a gate.
inline std::size_t gates_start() { return Tape::current().size(); }

inline TapeUse tape_use_since(std::size_t start) {
  const Tape& tape = Tape::current();
  return {tape.size() - start, tape.bytes_in_use()};
}

/// Publishes a TapeUse as the counters `ops`, `tape_bytes` and `tape_bytes_per_op`.
inline void report_tape(benchmark::State& state, const TapeUse& use) {
  state.counters["ops"] = static_cast<double>(use.ops);
  state.counters["tape_bytes"] = static_cast<double>(use.bytes);
  if (use.ops > 0) {
    state.counters["tape_bytes_per_op"] =
        static_cast<double>(use.bytes) / static_cast<double>(use.ops);
  }
}

/// Publishes the number of operations of a double or hand-adjoint variant (for time per op).
inline void report_ops(benchmark::State& state, std::size_t ops) {
  state.counters["ops"] = static_cast<double>(ops);
}

}  // namespace gradflow::bench

namespace gradflow::bench {

/// True when a and b agree to a relative 1e-9 (or absolutely, near 0).
inline bool close(double a, double b, double tol = 1e-9) {
  const double scale = std::max({1.0, std::abs(a), std::abs(b)});
  return std::abs(a - b) <= tol * scale;
}

/// Checks, once before timing, that a variant computes what the hand-written adjoint computes;
/// a mismatch ends the benchmark with an error (bench/<group>/run then fails), so a broken
/// benchmark can never report a fast time.
inline bool agree(benchmark::State& state, std::span<const double> got,
                  std::span<const double> want, double tol = 1e-9) {
  if (got.size() != want.size()) {
    state.SkipWithError("result has the wrong length");
    return false;
  }
  for (std::size_t i = 0; i < got.size(); ++i) {
    if (!close(got[i], want[i], tol)) {
      state.SkipWithError("result differs from the hand-written adjoint");
      return false;
    }
  }
  return true;
}

}  // namespace gradflow::bench

namespace gradflow::bench {

/// A workload measured several ways in the same run, registered as the benchmarks
/// `<name>/gradflow` (fused primitives), `<name>-loop/gradflow` (plain loops over Var),
/// `<name>/double` (the value in plain double code) and `<name>/adjoint` (value and gradient by a
/// hand-written adjoint), plus `<name>-loop/gradflow-core`, the loop variant timed without making
/// its leaves and reading its gradients (the variant brackets those with exclude_begin() and
/// exclude_end()). The gradient variants return the value and write the gradient into
/// `grad`; the gradflow ones also fill `use` when it is not null (an untimed extra call).
struct Workload {
  using Plain = double (*)(std::span<const double> in);
  using Adjoint = double (*)(std::span<const double> in, std::span<double> grad);
  using Gradflow = double (*)(std::span<const double> in, std::span<double> grad, TapeUse* use);

  const char* name;
  std::vector<double> inputs;
  std::size_t gradient_size;
  Plain plain;
  Adjoint adjoint;
  Gradflow fused;
  Gradflow loop;
  double tolerance = 1e-9;  // relative, against the hand-written adjoint
};

/// Set while a `<w>-loop/gradflow-core` benchmark runs: its timer then leaves out making the
/// leaves and reading the gradients (see exclude_begin/exclude_end), so that what remains is
/// recording plus the backward sweep, the cost the per-op target of the loops is about.
inline benchmark::State* excluding_state = nullptr;

/// Stops the timer of a -core benchmark (a no-op otherwise).
inline void exclude_begin() {
  if (excluding_state != nullptr) excluding_state->PauseTiming();
}
/// Restarts it.
inline void exclude_end() {
  if (excluding_state != nullptr) excluding_state->ResumeTiming();
}

namespace detail {

inline void run_gradflow_core(benchmark::State& state, const Workload& w) {
  std::vector<double> grad(w.gradient_size);
  excluding_state = &state;
  for (auto _ : state) {
    double value = w.loop(w.inputs, grad, nullptr);
    opaque(value);
    benchmark::DoNotOptimize(grad.data());
    benchmark::ClobberMemory();
  }
  excluding_state = nullptr;
  TapeUse use;
  w.loop(w.inputs, grad, &use);
  report_tape(state, use);
}

inline void run_gradflow(benchmark::State& state, const Workload& w, Workload::Gradflow fn) {
  std::vector<double> want(w.gradient_size + 1), got(w.gradient_size + 1);
  want[0] = w.adjoint(w.inputs, std::span(want).subspan(1));
  got[0] = fn(w.inputs, std::span(got).subspan(1), nullptr);
  if (!agree(state, got, want, w.tolerance)) return;
  std::span<double> grad = std::span(got).subspan(1);
  for (auto _ : state) {
    double value = fn(w.inputs, grad, nullptr);
    opaque(value);
    benchmark::DoNotOptimize(grad.data());
    benchmark::ClobberMemory();
  }
  TapeUse use;
  fn(w.inputs, grad, &use);
  report_tape(state, use);
}

}  // namespace detail

/// Registers the five benchmarks of a workload; call it from a namespace-scope initializer.
inline bool register_workload(Workload w) {
  const std::string name = w.name;
  auto shared = std::make_shared<const Workload>(std::move(w));
  benchmark::RegisterBenchmark((name + "/gradflow").c_str(), [shared](benchmark::State& state) {
    detail::run_gradflow(state, *shared, shared->fused);
  });
  benchmark::RegisterBenchmark((name + "-loop/gradflow").c_str(),
                               [shared](benchmark::State& state) {
                                 detail::run_gradflow(state, *shared, shared->loop);
                               });
  benchmark::RegisterBenchmark((name + "-loop/gradflow-core").c_str(),
                               [shared](benchmark::State& state) {
                                 detail::run_gradflow_core(state, *shared);
                               });
  benchmark::RegisterBenchmark((name + "/double").c_str(), [shared](benchmark::State& state) {
    for (auto _ : state) {
      double value = shared->plain(shared->inputs);
      opaque(value);
      benchmark::ClobberMemory();
    }
  });
  benchmark::RegisterBenchmark((name + "/adjoint").c_str(), [shared](benchmark::State& state) {
    std::vector<double> grad(shared->gradient_size);
    for (auto _ : state) {
      double value = shared->adjoint(shared->inputs, grad);
      opaque(value);
      benchmark::DoNotOptimize(grad.data());
      benchmark::ClobberMemory();
    }
  });
  return true;
}

}  // namespace gradflow::bench
