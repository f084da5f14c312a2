// mlp-step: MLP 784-256-10 with ReLU, batch 64, cross-entropy, one SGD step (lr 0.1), float32;
// torch_reference.py's w_mlp_step. A step: forward, backward, update, as the reference's
// opt.zero_grad(set_to_none=True); loss.backward(); opt.step().

#include <gradflow/gradflow.hpp>

#include <benchmark/benchmark.h>

#include <cmath>
#include <vector>

namespace {

using namespace gradflow;

struct Mlp {
  Tensor w1, b1, w2, b2;
  explicit Mlp(Generator& gen)
      : w1((Tensor::rand({784, 256}, gen) - 0.5) * (2.0 / std::sqrt(784.0))),
        b1(Tensor::zeros({256})),
        w2((Tensor::rand({256, 10}, gen) - 0.5) * (2.0 / std::sqrt(256.0))),
        b2(Tensor::zeros({10})) {
    for (Tensor* p : {&w1, &b1, &w2, &b2}) p->requires_grad_();
  }
  double step(const Tensor& x, const std::vector<std::int64_t>& y, double lr) {
    new_graph();
    for (Tensor* p : {&w1, &b1, &w2, &b2}) p->zero_grad();
    const Tensor loss = cross_entropy(matmul(relu(matmul(x, w1) + b1), w2) + b2, y);
    loss.backward();
    NoGradGuard no_grad;
    for (Tensor* p : {&w1, &b1, &w2, &b2}) p->add_(p->grad(), -lr);
    return loss.item();
  }
};

void BM_MlpStep(benchmark::State& state) {
  Generator gen(0);
  Mlp net(gen);
  const Tensor x = Tensor::randn({64, 784}, gen);
  std::vector<std::int64_t> y(64);
  for (auto& v : y) v = static_cast<std::int64_t>(gen() % 10);
  // The loss must fall on a fixed batch, or the step is not training anything.
  const double first = net.step(x, y, 0.1);
  double last = first;
  for (int i = 0; i < 20; ++i) last = net.step(x, y, 0.1);
  if (!(last < first * 0.5)) {
    state.SkipWithError("mlp-step: the loss did not fall");
    return;
  }
  for (auto _ : state) benchmark::DoNotOptimize(net.step(x, y, 0.1));
}
BENCHMARK(BM_MlpStep)->Name("mlp-step/gradflow")->Unit(benchmark::kMicrosecond)
    ->UseRealTime();

}  // namespace
