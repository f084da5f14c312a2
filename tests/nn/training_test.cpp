// Training end to end: a short spiral run (the case study, shortened), overfitting one tiny
// batch, one pass over a Fashion-MNIST subset, and the trainer's bookkeeping.

#include <gradflow/core/error.hpp>
#include <gradflow/data/data.hpp>
#include <gradflow/nn/nn.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <numeric>

namespace gradflow::nn {
namespace {

TEST(Training, SpiralCaseStudyShortRun) {
  const data::Spiral s = data::spiral();
  Generator gen(0);
  Sequential net = mlp({2, 100, 3}, gen);
  load_spiral_init(net, s.init);
  TrainConfig config = TrainConfig::spiral();
  config.epochs = 2000;  // of 10,000: enough to pass well beyond a linear classifier's ~0.5
  const TrainResult r = train(net, s.data, nullptr, config);
  ASSERT_EQ(r.epochs.size(), 2000u);
  EXPECT_LT(r.epochs.back().loss, r.epochs.front().loss);
  EXPECT_TRUE(std::isnan(r.epochs.back().test_accuracy));
  const Evaluation e = evaluate(net, s.data);
  EXPECT_GE(e.accuracy, 0.9) << "loss " << e.loss;
}

TEST(Training, ADivergedRunStopsAtTheFirstEpochWithoutAFiniteLoss) {
  const data::Spiral s = data::spiral({.points_per_class = 20});
  Generator gen(0);
  Sequential net = mlp({2, 16, 3}, gen);
  TrainConfig config = TrainConfig::spiral();
  config.epochs = 1000;
  config.lr = 1e300;
  int calls = 0;
  const TrainResult r = train(net, s.data, nullptr, config, {},
                              [&](const EpochMetrics&) { ++calls; });
  ASSERT_FALSE(r.epochs.empty());
  ASSERT_LT(r.epochs.size(), 1000u);
  EXPECT_FALSE(std::isfinite(r.epochs.back().loss));
  for (std::size_t i = 0; i + 1 < r.epochs.size(); ++i) {
    EXPECT_TRUE(std::isfinite(r.epochs[i].loss)) << "epoch " << i + 1;
  }
  EXPECT_EQ(calls, static_cast<int>(r.epochs.size()));  // the last epoch is reported too
}

TEST(Training, OverfitsOneTinyBatch) {
  // 16 random points with random labels: only memorisation fits them.
  Generator gen(5);
  std::vector<double> x(16 * 6);
  for (double& v : x) v = gen.normal();
  data::Dataset set{data::Array({16, 6}, x), {}, 4};
  for (int i = 0; i < 16; ++i) set.labels.push_back(static_cast<std::int64_t>(gen() % 4));
  Sequential net = mlp({6, 32, 4}, gen);
  TrainConfig config;
  config.epochs = 300;
  config.batch_size = 16;
  config.lr = 1e-2;
  const TrainResult r = train(net, set, nullptr, config);
  EXPECT_EQ(evaluate(net, set).accuracy, 1.0);
  EXPECT_LT(r.epochs.back().loss, 0.05);
}

TEST(Training, SvmLossAndSgdMomentumAndScheduleRun) {
  const data::Spiral s = data::spiral({.points_per_class = 20});
  Generator gen(1);
  Sequential net = make_model(ModelKind::svm, {2}, 3, gen);
  TrainConfig config;
  config.epochs = 4;
  config.batch_size = 16;
  config.optimizer = OptimizerKind::sgd;
  config.momentum = 0.9;
  config.lr = 0.1;
  config.loss = Loss::hinge;
  config.lr_step = 2;
  config.lr_gamma = 0.5;
  std::vector<Progress> progress;
  int epochs_seen = 0;
  const TrainResult r = train(
      net, s.data, &s.data, config, [&](const Progress& p) { progress.push_back(p); },
      [&](const EpochMetrics&) { ++epochs_seen; });
  EXPECT_EQ(epochs_seen, 4);
  ASSERT_EQ(progress.size(), 4u * 4u);  // 60 samples in batches of 16
  EXPECT_EQ(progress.back().batch, 4u);
  EXPECT_EQ(progress.back().epoch, 4);
  EXPECT_DOUBLE_EQ(r.epochs[0].lr, 0.1);
  EXPECT_DOUBLE_EQ(r.epochs[3].lr, 0.05);
  EXPECT_FALSE(std::isnan(r.epochs.back().test_accuracy));
  EXPECT_TRUE(net.is_training());
}

TEST(Training, LeavesTheCallersGraphAlone) {
  Tensor w = tensor({2.0}).requires_grad_();
  const Tensor pending = w * w;  // the caller's graph, not yet differentiated
  const data::Spiral s = data::spiral({.points_per_class = 5});
  Generator gen(2);
  Sequential net = mlp({2, 4, 3}, gen);
  TrainConfig config;
  config.epochs = 2;
  train(net, s.data, nullptr, config);
  sum(pending).backward();
  EXPECT_DOUBLE_EQ(w.grad().item(), 4.0);
}

TEST(Training, RejectsEmptyDataAndLabelsBeyondTheOutputs) {
  Generator gen(3);
  Sequential net = mlp({2, 4, 3}, gen);
  data::Dataset empty{data::Array({0, 2}, std::vector<double>{}), {}, 3};
  EXPECT_THROW(train(net, empty, nullptr, {}), Error);
  data::Dataset bad{data::Array({1, 2}, std::vector<double>{0.0, 1.0}), {7}, 8};
  EXPECT_THROW(train(net, bad, nullptr, {}), Error);
}

// A label outside [0, num_classes) is refused before the first step, naming its sample; it used
// to stop training midway, after the model had changed.
TEST(Training, ALabelOutsideTheClassesIsRefusedBeforeAnyStep) {
  Generator gen(4);
  Sequential net = mlp({2, 4, 2}, gen);
  data::Spiral s = data::spiral({.seed = 0, .points_per_class = 100, .classes = 2});
  s.data.labels[190] = 5;
  const std::vector<double> before = net.parameters().front().to_vector();
  TrainConfig config;
  config.batch_size = 32;
  config.epochs = 1;
  try {
    train(net, s.data, nullptr, config);
    ADD_FAILURE() << "no Error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(),
                 "train: the training set's sample 190 has label 5, outside [0, 2)");
  }
  EXPECT_EQ(net.parameters().front().to_vector(), before);
}

// A model with fewer outputs than the data has classes is named as such before any step, for
// the training set and for the test set; it used to fail at the first label past its outputs,
// with cross_entropy's message about one position. evaluate() says the same.
TEST(Training, AModelWithTooFewOutputsIsRefusedBeforeAnyStep) {
  Generator gen(5);
  Sequential two_outputs = mlp({2, 4, 2}, gen);
  const data::Spiral three = data::spiral({.seed = 0, .points_per_class = 10, .classes = 3});
  const data::Spiral two = data::spiral({.seed = 0, .points_per_class = 10, .classes = 2});
  const std::vector<double> before = two_outputs.parameters().front().to_vector();
  TrainConfig config;
  config.batch_size = 8;
  config.epochs = 1;
  const auto message = [&](auto&& f) -> std::string {
    try {
      f();
    } catch (const Error& e) {
      return e.what();
    }
    return "no Error";
  };
  EXPECT_EQ(message([&] { train(two_outputs, three.data, nullptr, config); }),
            "train: the model gives 2 scores per sample (scores of shape [8,2]) but the training "
            "set has 3 classes; give the model's last layer 3 outputs");
  EXPECT_EQ(message([&] { train(two_outputs, two.data, &three.data, config); }),
            "train: the model gives 2 scores per sample (scores of shape [8,2]) but the test set "
            "has 3 classes; give the model's last layer 3 outputs");
  EXPECT_EQ(two_outputs.parameters().front().to_vector(), before);
  EXPECT_EQ(message([&] { evaluate(two_outputs, three.data); }),
            "evaluate: the model gives 2 scores per sample (scores of shape [30,2]) but the "
            "data set has 3 classes; give the model's last layer 3 outputs");
  // More outputs than classes is allowed, as in PyTorch: those scores only take part in the
  // softmax.
  Sequential three_outputs = mlp({2, 4, 3}, gen);
  EXPECT_EQ(train(three_outputs, two.data, nullptr, config).epochs.size(), 1u);
}

TEST(Training, OnePassOverAFashionMnistSubset) {
  const std::filesystem::path dir(data::fashion_mnist_default_dir);
  if (!std::filesystem::exists(dir / "train-images-idx3-ubyte.gz")) {
    GTEST_SKIP() << "Fashion-MNIST is not installed (Debian package dataset-fashion-mnist)";
  }
  const data::Dataset full_train = data::load_fashion_mnist(data::Split::train);
  const data::Dataset full_test = data::load_fashion_mnist(data::Split::test);
  std::vector<std::int64_t> first(2000);
  std::iota(first.begin(), first.end(), 0);
  data::Dataset train_set = data::gather(full_train, first);
  data::Dataset test_set = data::gather(full_test, std::span(first).first(1000));
  const data::Standardization z = data::Standardization::fashion_mnist();
  z.apply(train_set.inputs);
  z.apply(test_set.inputs);

  Generator gen(0);
  Sequential net = mlp({784, 256, 128, 10}, gen);
  TrainConfig config = TrainConfig::fashion_mnist();
  config.epochs = 1;
  const TrainResult r = train(net, train_set, &test_set, config);
  EXPECT_GE(r.epochs[0].test_accuracy, 0.65) << "loss " << r.epochs[0].loss;
  const std::vector<std::int64_t> predicted = predict(net, test_set.inputs);
  ASSERT_EQ(predicted.size(), 1000u);
}

}  // namespace
}  // namespace gradflow::nn
