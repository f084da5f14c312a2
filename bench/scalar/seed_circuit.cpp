// seed-circuit: f(x, y) = (x + sigmoid(y)) / (sigmoid(x) + (x + y)^2) at (3, -4), the staged
// example of the backprop notes. One iteration is one whole gradient: new_graph(), recording
// the leaves and the gates, backward(), and reading both gradients.

#include <bench_common.hpp>

#include <array>
#include <cmath>

namespace {

using namespace gradflow;

struct Result {
  double f, dx, dy;
};

Result with_gradflow(double x0, double y0) {
  new_graph();
  Var x = x0, y = y0;
  Var f = (x + sigmoid(y)) / (sigmoid(x) + pow(x + y, 2));
  f.backward();
  return {f.value(), x.grad(), y.grad()};
}

double sig(double v) { return 1.0 / (1.0 + std::exp(-v)); }

double with_double(double x, double y) { return (x + sig(y)) / (sig(x) + std::pow(x + y, 2)); }

// The notes' staged forward pass, then its backward pass written by hand.
Result with_hand_adjoint(double x, double y) {
  const double sigy = sig(y);
  const double num = x + sigy;
  const double sigx = sig(x);
  const double xpy = x + y;
  const double xpysqr = xpy * xpy;
  const double den = sigx + xpysqr;
  const double invden = 1.0 / den;
  const double f = num * invden;
  const double dnum = invden;
  const double dinvden = num;
  const double dden = -1.0 / (den * den) * dinvden;
  const double dsigx = dden;
  const double dxpysqr = dden;
  const double dxpy = 2.0 * xpy * dxpysqr;
  double dx = dxpy;
  double dy = dxpy;
  dx += (1.0 - sigx) * sigx * dsigx;
  dx += dnum;
  const double dsigy = dnum;
  dy += (1.0 - sigy) * sigy * dsigy;
  return {f, dx, dy};
}

bool check(benchmark::State& state, const Result& r) {
  const Result want = with_hand_adjoint(3.0, -4.0);
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
    Result r = with_hand_adjoint(x, y);
    benchmark::DoNotOptimize(r);
  }
}

}  // namespace

BENCHMARK(seed_gradflow)->Name("seed-circuit/gradflow");
BENCHMARK(seed_double)->Name("seed-circuit/double");
BENCHMARK(seed_adjoint)->Name("seed-circuit/adjoint");
