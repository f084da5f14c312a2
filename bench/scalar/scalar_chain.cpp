// scalar-chain: the chain of ../shared/peers/torch_reference.py, x = tanh((x*a + b)*a + b)
// repeated 2,000 times (10,000 operations), at a = 1, b = 0, x0 = 0.5, gradient with respect to
// a, b and x0. One iteration is one whole gradient (new_graph(), three leaves, recording, backward,
// reading the three gradients); bench/scalar/run divides by the 10,000 operations.

#include <bench_common.hpp>

#include <array>
#include <cmath>
#include <vector>

namespace {

using namespace gradflow;

constexpr int kSteps = 2000;  // 5 operations each
constexpr std::size_t kOps = 5 * kSteps;

struct Result {
  double f, da, db, dx0;
};

Var chain(Var x, const Var& a, const Var& b) {
  for (int i = 0; i < kSteps; ++i) x = tanh((x * a + b) * a + b);
  return x;
}

Result with_gradflow(double a0, double b0, double x00) {
  new_graph();
  Var a = a0, b = b0, x0 = x00;
  Var f = chain(x0, a, b);
  f.backward();
  return {f.value(), a.grad(), b.grad(), x0.grad()};
}

double with_double(double a, double b, double x) {
  for (int i = 0; i < kSteps; ++i) x = std::tanh((x * a + b) * a + b);
  return x;
}

// Forward keeps each step's input (as a hand-written adjoint must); backward walks the steps in
// reverse: w = u*a + b with u = x*a + b, x' = tanh(w).
Result with_hand_adjoint(double a, double b, double x0, std::vector<double>& xs) {
  double x = x0;
  for (int i = 0; i < kSteps; ++i) {
    xs[i] = x;
    x = std::tanh((x * a + b) * a + b);
  }
  const double f = x;
  double dx = 1.0, da = 0.0, db = 0.0;
  for (int i = kSteps; i-- > 0;) {
    const double xi = xs[i];
    const double out = i + 1 < kSteps ? xs[i + 1] : f;
    const double u = xi * a + b;
    const double dw = dx * (1.0 - out * out);
    da += dw * u;
    db += dw;
    const double du = dw * a;
    da += du * xi;
    db += du;
    dx = du * a;
  }
  return {f, da, db, dx};
}

constexpr double kA = 1.0, kB = 0.0, kX0 = 0.5;

bool check(benchmark::State& state, const Result& r) {
  std::vector<double> xs(kSteps);
  const Result w = with_hand_adjoint(kA, kB, kX0, xs);
  return bench::agree(state, std::array{r.f, r.da, r.db, r.dx0},
                      std::array{w.f, w.da, w.db, w.dx0});
}

void chain_gradflow(benchmark::State& state) {
  if (!check(state, with_gradflow(kA, kB, kX0))) return;
  double a = kA, b = kB, x0 = kX0;
  for (auto _ : state) {
    bench::opaque(a);
    bench::opaque(b);
    bench::opaque(x0);
    Result r = with_gradflow(a, b, x0);
    benchmark::DoNotOptimize(r);
  }
  new_graph();
  Var va = a, vb = b, vx0 = x0;
  const std::size_t start = bench::gates_start();
  chain(vx0, va, vb).backward();
  bench::report_tape(state, bench::tape_use_since(start));
}

void chain_double(benchmark::State& state) {
  double a = kA, b = kB, x0 = kX0;
  for (auto _ : state) {
    bench::opaque(a);
    bench::opaque(b);
    bench::opaque(x0);
    double f = with_double(a, b, x0);
    bench::opaque(f);
  }
  bench::report_ops(state, kOps);
}

void chain_adjoint(benchmark::State& state) {
  double a = kA, b = kB, x0 = kX0;
  std::vector<double> xs(kSteps);
  for (auto _ : state) {
    bench::opaque(a);
    bench::opaque(b);
    bench::opaque(x0);
    Result r = with_hand_adjoint(a, b, x0, xs);
    benchmark::DoNotOptimize(r);
    benchmark::ClobberMemory();
  }
  bench::report_ops(state, kOps);
}

}  // namespace

BENCHMARK(chain_gradflow)->Name("scalar-chain/gradflow");
BENCHMARK(chain_double)->Name("scalar-chain/double");
BENCHMARK(chain_adjoint)->Name("scalar-chain/adjoint");
