// seed-circuit: f(x, y) = (x + sigmoid(y)) / (sigmoid(x) + (x + y)^2) at (3, -4), the staged
// example of the backprop notes. One iteration is one whole gradient: new_graph(), recording
// the leaves and the gates, backward(), and reading both gradients.

#include "seed_circuit.hpp"

#include <bench_common.hpp>

#include <array>
#include <cmath>

namespace {

using namespace gradflow;

using Result = bench::SeedResult;

Result with_gradflow(double x0, double y0) {
  new_graph();
  Var x = x0, y = y0;
  Var f = (x + sigmoid(y)) / (sigmoid(x) + pow(x + y, 2));
  f.backward();
  return {f.value(), x.grad(), y.grad()};
}

double with_double(double x, double y) {
  return (x + bench::sig(y)) / (bench::sig(x) + std::pow(x + y, 2));
}

bool check(benchmark::State& state, const Result& r) {
  const Result want = bench::seed_hand_adjoint(3.0, -4.0);
  return bench::agree(state, std::array{r.f, r.dx, r.dy}, std::array{want.f, want.dx, want.dy});
}

void seed_gradflow(benchmark::State& state) {
  if (!check(state, with_gradflow(3.0, -4.0))) return;
  double x = 3.0, y = -4.0;
  for (auto _ : state) {
    bench::opaque(x);
    bench::opaque(y);
    Result r = with_gradflow(x, y);
    benchmark::DoNotOptimize(r);
  }
  new_graph();
  Var vx = x, vy = y;
  const std::size_t start = bench::gates_start();
  Var f = (vx + sigmoid(vy)) / (sigmoid(vx) + pow(vx + vy, 2));
  f.backward();
  bench::report_tape(state, bench::tape_use_since(start));
}

void seed_double(benchmark::State& state) {
  double x = 3.0, y = -4.0;
  for (auto _ : state) {
    bench::opaque(x);
    bench::opaque(y);
    double f = with_double(x, y);
    bench::opaque(f);
  }
}

void seed_adjoint(benchmark::State& state) {
  double x = 3.0, y = -4.0;
  for (auto _ : state) {
    bench::opaque(x);
    bench::opaque(y);
    Result r = bench::seed_hand_adjoint(x, y);
    benchmark::DoNotOptimize(r);
  }
}

}  // namespace

BENCHMARK(seed_gradflow)->Name("seed-circuit/gradflow");
BENCHMARK(seed_double)->Name("seed-circuit/double");
BENCHMARK(seed_adjoint)->Name("seed-circuit/adjoint");
