// matmul: 1024 x 1024 times 1024 x 1024, float32, forward alone and forward + backward
// (3 GEMMs); torch_reference.py's w_matmul. Both sides are bound by the same OpenBLAS.

#include <gradflow/gradflow.hpp>

#include <benchmark/benchmark.h>

#include <cmath>

namespace {

using namespace gradflow;

constexpr std::int64_t kN = 1024;

void BM_MatmulForward(benchmark::State& state) {
  const Tensor a = Tensor::randn({kN, kN}, 1);
  const Tensor b = Tensor::randn({kN, kN}, 2);
  NoGradGuard no_grad;
  for (auto _ : state) benchmark::DoNotOptimize(matmul(a, b));
  state.counters["gflops"] = benchmark::Counter(2.0 * kN * kN * kN, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_MatmulForward)->Name("matmul-forward/gradflow")->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_MatmulForwardBackward(benchmark::State& state) {
  Tensor a = Tensor::randn({kN, kN}, 1).requires_grad_();
  Tensor b = Tensor::randn({kN, kN}, 2).requires_grad_();
  const Tensor g = Tensor::ones({kN, kN});
  auto step = [&] {
    new_graph();
    a.zero_grad();
    b.zero_grad();
    matmul(a, b).backward(g);
  };
  // dA = G Bᵀ: with G all ones, dA[i][j] is the sum of row j of B.
  step();
  const double want = sum(b.detach()[3]).item();
  if (std::fabs(a.grad().to_vector()[3] - want) > 1e-3 * (1.0 + std::fabs(want))) {
    state.SkipWithError("matmul: dA differs from G Bᵀ");
    return;
  }
  for (auto _ : state) step();
}
BENCHMARK(BM_MatmulForwardBackward)
    ->Name("matmul-forward-backward/gradflow")
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
