// Graph overhead on tiny tensors: torch_reference.py's scalar-chain workload (10,000 ops,
// x = tanh((x * a + b) * a + b) on 0-d float64 tensors, forward and backward) done with
// gradflow Tensors; per recorded op, nearly all of the time is the engine's (the arithmetic
// on one element is a few nanoseconds).

#include <gradflow/gradflow.hpp>

#include <benchmark/benchmark.h>

#include <cmath>

namespace {

using namespace gradflow;

constexpr int kOps = 10000;

double chain(Tensor& a, Tensor& b, Tensor& x0) {
  new_graph();
  a.zero_grad();
  b.zero_grad();
  x0.zero_grad();
  Tensor x = x0;
  for (int i = 0; i < kOps / 5; ++i) x = tanh((x * a + b) * a + b);
  x.backward();
  return a.grad().item();
}

void BM_TensorChain(benchmark::State& state) {
  Tensor a = scalar_tensor(1.0, DType::Float64).requires_grad_();
  Tensor b = scalar_tensor(0.0, DType::Float64).requires_grad_();
  Tensor x0 = scalar_tensor(0.5, DType::Float64).requires_grad_();
  // The same chain in doubles with a hand-written adjoint, to check the gradient.
  double x = 0.5;
  std::vector<double> xs, us;
  for (int i = 0; i < kOps / 5; ++i) {
    xs.push_back(x);
    const double u = (x * 1.0 + 0.0) * 1.0 + 0.0;
    us.push_back(u);
    x = std::tanh(u);
  }
  double gx = 1.0, ga = 0.0;
  for (int i = kOps / 5 - 1; i >= 0; --i) {
    const double gu = gx * (1.0 - std::tanh(us[i]) * std::tanh(us[i]));
    // u = (x a + b) a + b: du/da = 2 x a + b = 2x, du/dx = a^2 = 1.
    ga += gu * (2.0 * xs[i]);
    gx = gu;
  }
  const double got = chain(a, b, x0);
  if (std::fabs(got - ga) > 1e-9 * (1.0 + std::fabs(ga))) {
    state.SkipWithError("scalar-chain: the gradient differs from the hand-written adjoint");
    return;
  }
  for (auto _ : state) benchmark::DoNotOptimize(chain(a, b, x0));
  state.counters["ops"] = kOps;
}
BENCHMARK(BM_TensorChain)->Name("scalar-chain/gradflow")->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
