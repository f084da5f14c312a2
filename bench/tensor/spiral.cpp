// spiral: the cs231n 2-100-3 net on the 300-point spiral, full batch, float32 and float64;
// torch_reference.py's w_spiral (the same step: relu(X W + b), cross-entropy plus
// 0.5e-3 (sum W*W + sum W2*W2), backward, p -= 1.0 * grad, grad = None). Small tensors: this
// measures framework overhead more than arithmetic.

#include <gradflow/gradflow.hpp>

#include <benchmark/benchmark.h>

#include <cmath>
#include <numbers>
#include <vector>

namespace {

using namespace gradflow;

struct Spiral {
  Tensor x;
  std::vector<std::int64_t> y;
  Tensor w, b, w2, b2;

  Spiral(DType dt) {
    // cs231n's data set: 100 points per class on three arms, angle noise 0.2.
    Generator gen(0);
    std::vector<double> xs;
    for (int k = 0; k < 3; ++k) {
      for (int i = 0; i < 100; ++i) {
        const double r = i / 99.0;
        const double t = k * 4 + 4.0 * i / 99.0 + gen.normal() * 0.2;
        xs.push_back(r * std::sin(t));
        xs.push_back(r * std::cos(t));
        y.push_back(k);
      }
    }
    x = tensor(xs, {300, 2}, dt);
    w = (Tensor::randn({2, 100}, gen, dt) * 0.01).requires_grad_();
    b = Tensor::zeros({1, 100}, dt).requires_grad_();
    w2 = (Tensor::randn({100, 3}, gen, dt) * 0.01).requires_grad_();
    b2 = Tensor::zeros({1, 3}, dt).requires_grad_();
  }

  double step() {
    new_graph();
    const Tensor h = relu(matmul(x, w) + b);
    const Tensor loss = cross_entropy(matmul(h, w2) + b2, y) + 0.5e-3 * (sum(w * w) + sum(w2 * w2));
    loss.backward();
    NoGradGuard no_grad;
    for (Tensor* p : {&w, &b, &w2, &b2}) {
      p->add_(p->grad(), -1.0);
      p->zero_grad();
    }
    return loss.item();
  }

  double accuracy() {
    NoGradGuard no_grad;
    const std::vector<std::int64_t> pred = argmax(matmul(relu(matmul(x, w) + b), w2) + b2, 1);
    int right = 0;
    for (std::size_t i = 0; i < pred.size(); ++i) right += pred[i] == y[i];
    return right / 300.0;
  }
};

void BM_Spiral(benchmark::State& state, DType dt) {
  Spiral net(dt);
  // The reference reaches about 0.98 training accuracy in 10,000 steps; 2,000 must pass 0.9.
  for (int i = 0; i < 2000; ++i) net.step();
  const double acc = net.accuracy();
  if (!(acc > 0.9)) {
    state.SkipWithError("spiral: training accuracy stayed below 0.9");
    return;
  }
  state.counters["train_accuracy_2000_steps"] = acc;
  for (auto _ : state) benchmark::DoNotOptimize(net.step());
}
BENCHMARK_CAPTURE(BM_Spiral, float32, DType::Float32)
    ->Name("spiral-float32/gradflow")
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_Spiral, float64, DType::Float64)
    ->Name("spiral-float64/gradflow")
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();

}  // namespace
