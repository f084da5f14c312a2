// Evaluation and prediction: batches in order, eval mode, nothing recorded.

#include <gradflow/core/error.hpp>
#include <gradflow/core/tape.hpp>
#include <gradflow/nn/arrays.hpp>
#include <gradflow/nn/train.hpp>

#include <algorithm>
#include <numeric>
#include <string>

namespace gradflow::nn {

namespace {

/// Restores a module's training mode on scope exit.
class EvalMode {
 public:
  explicit EvalMode(Module& m) : module_(m), was_training_(m.is_training()) { m.eval(); }
  ~EvalMode() { module_.train(was_training_); }
  EvalMode(const EvalMode&) = delete;
  EvalMode& operator=(const EvalMode&) = delete;

 private:
  Module& module_;
  bool was_training_;
};

DType dtype_of_model(const Module& model) {
  const std::vector<Tensor> params = model.parameters();
  return params.empty() ? DType::Float32 : params.front().dtype();
}

/// Calls f(first_row, rows, scores) for consecutive batches of `inputs`.
template <class F>
void for_each_batch(Module& model, const data::Array& inputs, std::size_t batch_size, F&& f) {
  if (inputs.shape.empty())
    detail::fail("evaluate: the inputs are 0-d; expected one row per sample");
  const EvalMode eval_mode(model);
  const NoGradGuard no_grad;
  const DType dtype = dtype_of_model(model);
  const auto n = static_cast<std::size_t>(inputs.shape[0]);
  const std::size_t step = std::max<std::size_t>(batch_size, 1);
  std::vector<std::int64_t> rows;
  for (std::size_t first = 0; first < n; first += step) {
    rows.resize(std::min(step, n - first));
    std::iota(rows.begin(), rows.end(), static_cast<std::int64_t>(first));
    f(first, rows, model(rows_to_tensor(inputs, rows, dtype)));
  }
}

}  // namespace

Evaluation evaluate(Module& model, const data::Dataset& dataset, Loss loss,
                    std::size_t batch_size) {
  if (dataset.size() == 0) detail::fail("evaluate: the data set is empty");
  double loss_sum = 0.0;
  std::int64_t correct = 0;
  for_each_batch(
      model, dataset.inputs, batch_size,
      [&](std::size_t first, const std::vector<std::int64_t>& rows, const Tensor& scores) {
        const std::vector<std::int64_t> labels(
            dataset.labels.begin() + static_cast<std::ptrdiff_t>(first),
            dataset.labels.begin() + static_cast<std::ptrdiff_t>(first + rows.size()));
        check_class_scores(scores, dataset.num_classes, "evaluate", "the data set");
        loss_sum +=
            classification_loss(loss, scores, labels).item() * static_cast<double>(rows.size());
        correct += count_correct(scores, labels);
      });
  const auto n = static_cast<double>(dataset.size());
  return {loss_sum / n, static_cast<double>(correct) / n};
}

std::vector<std::int64_t> predict(Module& model, const data::Array& inputs,
                                  std::size_t batch_size) {
  std::vector<std::int64_t> out;
  for_each_batch(model, inputs, batch_size,
                 [&](std::size_t, const std::vector<std::int64_t>&, const Tensor& scores) {
                   const std::vector<std::int64_t> p = argmax(scores, 1);
                   out.insert(out.end(), p.begin(), p.end());
                 });
  return out;
}

}  // namespace gradflow::nn
