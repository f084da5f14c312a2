// The training loop behind `gradflow train`: batches from data::BatchSampler, forward, loss
// (+ L2), backward, optimizer step, and per-epoch bookkeeping.

#include <gradflow/core/error.hpp>
#include <gradflow/core/tape.hpp>
#include <gradflow/data/batches.hpp>
#include <gradflow/nn/arrays.hpp>
#include <gradflow/nn/train.hpp>
#include <gradflow/optim/adam.hpp>
#include <gradflow/optim/sgd.hpp>
#include <gradflow/optim/step_lr.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>

namespace gradflow::nn {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

std::unique_ptr<optim::Optimizer> make_optimizer(const TrainConfig& c, std::vector<Tensor> params) {
  if (c.optimizer == OptimizerKind::sgd) {
    return std::make_unique<optim::SGD>(
        std::move(params),
        optim::SGDOptions{.lr = c.lr, .momentum = c.momentum, .weight_decay = c.weight_decay});
  }
  return std::make_unique<optim::Adam>(
      std::move(params), optim::AdamOptions{.lr = c.lr, .weight_decay = c.weight_decay});
}

void check_inputs(const data::Dataset& set, const char* which) {
  if (set.size() == 0) detail::fail(std::string("train: the ") + which + " set is empty");
  if (set.inputs.shape.empty() || set.inputs.shape[0] != static_cast<std::int64_t>(set.size())) {
    detail::fail(std::string("train: the ") + which + " set's inputs of shape " +
                 data::shape_string(set.inputs.shape) + " do not hold " +
                 std::to_string(set.size()) + " samples");
  }
  // Every label before the first step: found in a batch, a bad one stopped training midway,
  // after the model had changed, and was named by its place in a shuffled batch.
  for (std::size_t i = 0; i < set.labels.size(); ++i) {
    const std::int64_t label = set.labels[i];
    if (label < 0 || label >= set.num_classes) {
      detail::fail(std::string("train: the ") + which + " set's sample " + std::to_string(i) +
                   " has label " + std::to_string(label) + ", outside [0, " +
                   std::to_string(set.num_classes) + ")");
    }
  }
}

std::vector<std::int64_t> labels_at(const data::Dataset& set, std::span<const std::int64_t> rows) {
  std::vector<std::int64_t> out(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i)
    out[i] = set.labels[static_cast<std::size_t>(rows[i])];
  return out;
}

}  // namespace

std::string_view optimizer_name(OptimizerKind kind) noexcept {
  return kind == OptimizerKind::sgd ? "sgd" : "adam";
}

OptimizerKind parse_optimizer(std::string_view name) {
  if (name == "sgd") return OptimizerKind::sgd;
  if (name == "adam") return OptimizerKind::adam;
  detail::fail("unknown optimizer \"" + std::string(name) + "\"; choose sgd or adam");
}

TrainConfig TrainConfig::spiral() {
  return {.epochs = 10000, .batch_size = 0, .optimizer = OptimizerKind::sgd, .lr = 1.0, .l2 = 1e-3};
}

TrainConfig TrainConfig::fashion_mnist() { return {}; }

TrainResult train(Module& model, const data::Dataset& train_set, const data::Dataset* test_set,
                  const TrainConfig& config, const ProgressCallback& on_batch,
                  const EpochCallback& on_epoch) {
  check_inputs(train_set, "training");
  if (test_set != nullptr) check_inputs(*test_set, "test");
  const std::vector<Tensor> params = model.parameters();
  if (params.empty()) detail::fail("train: " + model.describe() + " has no parameters");
  if (config.epochs < 0) detail::fail("train: epochs must be >= 0");
  const DType dtype = params.front().dtype();

  std::unique_ptr<optim::Optimizer> optimizer = make_optimizer(config, params);
  std::optional<optim::StepLR> schedule;
  if (config.lr_step > 0) schedule.emplace(*optimizer, config.lr_step, config.lr_gamma);
  const std::vector<Tensor> weights = config.l2 != 0.0 ? weights_of(model) : std::vector<Tensor>{};

  const std::size_t n = train_set.size();
  const std::size_t batch_size = config.batch_size == 0 ? n : std::min(config.batch_size, n);
  const bool full_batch = batch_size == n;
  // One fixed batch needs no shuffling (only its summation order would change).
  data::BatchSampler sampler(n, batch_size, config.seed, config.shuffle && !full_batch);
  // A full batch is the same every step: gather it once.
  Tensor fixed_x;
  std::vector<std::int64_t> fixed_labels;

  Tape::Scope scope;  // our own graph: the caller's stays as it was
  TrainResult result;
  const auto run_start = Clock::now();
  std::size_t samples_done = 0;
  const double samples_total = static_cast<double>(n) * config.epochs;

  for (int epoch = 1; epoch <= config.epochs; ++epoch) {
    model.train();
    sampler.start_epoch();
    const auto epoch_start = Clock::now();
    const std::size_t batches = sampler.num_batches();
    double loss_sum = 0.0;
    std::int64_t correct = 0;
    std::size_t seen = 0;
    for (std::size_t b = 0; b < batches; ++b) {
      scope.tape().clear();  // the last step's graph is done: constant memory
      const std::span<const std::int64_t> rows = sampler.batch(b);
      Tensor x;
      std::vector<std::int64_t> labels;
      if (full_batch) {
        if (!fixed_x.defined()) {
          fixed_x = rows_to_tensor(train_set.inputs, rows, dtype);
          fixed_labels = labels_at(train_set, rows);
        }
        x = fixed_x;
        labels = fixed_labels;
      } else {
        x = rows_to_tensor(train_set.inputs, rows, dtype);
        labels = labels_at(train_set, rows);
      }
      const Tensor scores = model(x);
      // Before the first step changes the model; the test set's classes too, which would
      // otherwise fail only after a whole epoch.
      check_class_scores(scores, train_set.num_classes, "train", "the training set");
      if (test_set != nullptr) {
        check_class_scores(scores, test_set->num_classes, "train", "the test set");
      }
      Tensor loss = classification_loss(config.loss, scores, labels);
      if (!weights.empty()) loss = loss + l2_regularization(weights, config.l2);
      optimizer->zero_grad();
      loss.backward();
      optimizer->step();

      loss_sum += loss.item() * static_cast<double>(rows.size());
      correct += count_correct(scores.detach(), labels);
      seen += rows.size();
      samples_done += rows.size();
      if (on_batch) {
        const double elapsed = seconds_since(run_start);
        const double rate = static_cast<double>(samples_done) / std::max(elapsed, 1e-9);
        on_batch({.epoch = epoch,
                  .epochs = config.epochs,
                  .batch = b + 1,
                  .batches = batches,
                  .loss = loss_sum / static_cast<double>(seen),
                  .accuracy = static_cast<double>(correct) / static_cast<double>(seen),
                  .samples_per_second = rate,
                  .eta_seconds = (samples_total - static_cast<double>(samples_done)) / rate});
      }
    }
    EpochMetrics m;
    m.epoch = epoch;
    m.seconds = seconds_since(epoch_start);
    m.loss = loss_sum / static_cast<double>(seen);
    m.train_accuracy = static_cast<double>(correct) / static_cast<double>(seen);
    m.lr = optimizer->lr();
    m.samples_per_second = static_cast<double>(seen) / std::max(m.seconds, 1e-9);
    m.test_loss = m.test_accuracy = std::numeric_limits<double>::quiet_NaN();
    if (test_set != nullptr) {
      scope.tape().clear();
      const Evaluation e = evaluate(model, *test_set, config.loss, config.eval_batch_size);
      m.test_loss = e.loss;
      m.test_accuracy = e.accuracy;
    }
    result.epochs.push_back(m);
    if (on_epoch) on_epoch(m);
    // A diverged run: once the loss is NaN or infinite, so are the gradients and then the
    // weights, and every later epoch would only repeat it (10,000 of them on spiral).
    if (!std::isfinite(m.loss)) break;
    if (schedule) schedule->step();
  }
  scope.tape().clear();
  model.train();
  return result;
}

}  // namespace gradflow::nn
