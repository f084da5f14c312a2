// The training loop written out, as a PyTorch user writes it: a multilayer perceptron on
// Fashion-MNIST with Adam, one mini-batch at a time, then its test accuracy and a checkpoint.
// nn::train (and `gradflow train`) run this same loop with metrics, schedules and plots; this
// file shows the pieces.
//
//     training_loop [--batches N] [--save MODEL.safetensors]
//
// N mini-batches of 64 (default: one epoch, 938). Needs Debian's dataset-fashion-mnist.

#include <gradflow/data/data.hpp>
#include <gradflow/nn/nn.hpp>
#include <gradflow/optim/optim.hpp>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <exception>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

using namespace gradflow;

int main(int argc, char** argv) try {
  std::size_t max_batches = 0;  // 0 (no --batches): the whole epoch
  std::string save_to;
  for (int i = 1; i < argc; i += 2) {
    const std::string flag = argv[i];
    if (i + 1 == argc) {
      std::fprintf(stderr, "training_loop: %s wants a value\n", argv[i]);
      return 2;
    }
    if (flag == "--batches") {
      const std::string_view text = argv[i + 1];
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), max_batches);
      if (ec != std::errc() || end != text.data() + text.size() || max_batches == 0) {
        std::fprintf(stderr, "training_loop: --batches wants a positive whole number, got '%s'\n",
                     argv[i + 1]);
        return 2;
      }
    } else if (flag == "--save") {
      save_to = argv[i + 1];
    } else {
      std::fprintf(stderr, "usage: training_loop [--batches N] [--save MODEL.safetensors]\n");
      return 2;
    }
  }

  // The data: pixels in [0, 1], standardised with the training set's mean and deviation.
  data::Dataset train = data::load_fashion_mnist(data::Split::train);
  data::Dataset test = data::load_fashion_mnist(data::Split::test);
  data::standardize(train.inputs, test.inputs);

  // The model, 784-256-128-10 with ReLU, and its optimizer.
  Generator gen(0);
  nn::Sequential model = nn::mlp({784, 256, 128, 10}, gen);
  optim::Adam opt(model.parameters(), {.lr = 1e-3});

  data::BatchSampler batches(train.size(), 64, /*seed=*/0);
  batches.start_epoch();
  const std::size_t steps = max_batches == 0 ? batches.num_batches()
                                             : std::min(max_batches, batches.num_batches());
  for (std::size_t b = 0; b < steps; ++b) {
    // Unlike PyTorch, a graph lives until the next new_graph(): without this call every step's
    // graph would be kept, and each backward() would sweep all of them.
    new_graph();
    const std::span<const std::int64_t> rows = batches.batch(b);
    const Tensor x = nn::rows_to_tensor(train.inputs, rows, DType::Float32);  // [64, 1, 28, 28]
    std::vector<std::int64_t> labels;
    for (const std::int64_t row : rows) labels.push_back(train.labels[row]);

    const Tensor loss = cross_entropy(model(x), labels);
    opt.zero_grad();
    loss.backward();
    opt.step();
    if (b % 100 == 0) std::printf("batch %4zu  loss %.4f\n", b, loss.item());
  }
  // nn::evaluate runs the model in eval mode under NoGradGuard, 1000 samples at a time.
  std::printf("test accuracy after %zu batches: %.4f\n", steps,
              nn::evaluate(model, test).accuracy);

  if (!save_to.empty()) {
    nn::save_model(model, {nn::ModelKind::mlp, {1, 28, 28}, 10}, save_to);
    std::printf("saved %s (gradflow eval --load %s)\n", save_to.c_str(), save_to.c_str());
  }
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "training_loop: %s\n", e.what());
  return 1;
}
