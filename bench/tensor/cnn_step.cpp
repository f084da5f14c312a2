// cnn-step: the Fashion-MNIST CNN of torch_reference.py's cnn() (conv5x5 1->16 pad 2, ReLU,
// maxpool 2, conv5x5 16->32 pad 2, ReLU, maxpool 2, 1568-128-10), float32, batch 64 of random
// 28x28 images: one forward and backward (cross-entropy), no optimizer. The same step in
// PyTorch is bench/tensor/cnn_step_torch.py.

#include <gradflow/gradflow.hpp>

#include <benchmark/benchmark.h>

#include <cmath>
#include <vector>

namespace {

using namespace gradflow;

struct Cnn {
  Tensor c1w, c1b, c2w, c2b, f1w, f1b, f2w, f2b;
  explicit Cnn(Generator& gen)
      : c1w((Tensor::rand({16, 1, 5, 5}, gen) - 0.5) * (2.0 / std::sqrt(25.0))),
        c1b(Tensor::zeros({16})),
        c2w((Tensor::rand({32, 16, 5, 5}, gen) - 0.5) * (2.0 / std::sqrt(400.0))),
        c2b(Tensor::zeros({32})),
        f1w((Tensor::rand({1568, 128}, gen) - 0.5) * (2.0 / std::sqrt(1568.0))),
        f1b(Tensor::zeros({128})),
        f2w((Tensor::rand({128, 10}, gen) - 0.5) * (2.0 / std::sqrt(128.0))),
        f2b(Tensor::zeros({10})) {
    for (Tensor* p : params()) p->requires_grad_();
  }
  std::vector<Tensor*> params() { return {&c1w, &c1b, &c2w, &c2b, &f1w, &f1b, &f2w, &f2b}; }
  double step(const Tensor& x, const std::vector<std::int64_t>& y) {
    new_graph();
    for (Tensor* p : params()) p->zero_grad();
    Tensor h = max_pool2d(relu(conv2d(x, c1w, c1b, 1, 2)), 2);
    h = max_pool2d(relu(conv2d(h, c2w, c2b, 1, 2)), 2);
    h = relu(matmul(h.flatten(1), f1w) + f1b);
    const Tensor loss = cross_entropy(matmul(h, f2w) + f2b, y);
    loss.backward();
    return loss.item();
  }
};

void BM_CnnStep(benchmark::State& state) {
  Generator gen(0);
  Cnn net(gen);
  const Tensor x = Tensor::randn({64, 1, 28, 28}, gen);
  std::vector<std::int64_t> y(64);
  for (auto& v : y) v = static_cast<std::int64_t>(gen() % 10);
  const double loss = net.step(x, y);
  if (!std::isfinite(loss) || !std::isfinite(sum(net.c1w.grad() * net.c1w.grad()).item())) {
    state.SkipWithError("cnn-step: non-finite loss or gradient");
    return;
  }
  for (auto _ : state) benchmark::DoNotOptimize(net.step(x, y));
}
BENCHMARK(BM_CnnStep)->Name("cnn-step/gradflow")->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
