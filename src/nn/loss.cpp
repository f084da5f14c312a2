// L2 regularisation and the named classification losses.

#include <gradflow/core/error.hpp>
#include <gradflow/nn/loss.hpp>

#include <string>

namespace gradflow::nn {

Tensor l2_regularization(const std::vector<Tensor>& weights, double reg) {
  if (weights.empty()) return scalar_tensor(0.0);
  Tensor total;
  for (const Tensor& w : weights) {
    const Tensor s = sum(w * w);
    total = total.defined() ? total + s : s;
  }
  return total * (0.5 * reg);
}

std::vector<Tensor> weights_of(const Module& module) {
  std::vector<Tensor> out;
  for (NamedTensor& p : module.named_parameters()) {
    const std::string_view name = p.name;
    if (name == "weight" || name.ends_with(".weight")) out.push_back(std::move(p.tensor));
  }
  return out;
}

std::string_view loss_name(Loss loss) noexcept {
  return loss == Loss::cross_entropy ? "cross_entropy" : "hinge";
}

Tensor classification_loss(Loss loss, const Tensor& scores,
                           const std::vector<std::int64_t>& labels) {
  return loss == Loss::cross_entropy ? cross_entropy(scores, labels) : hinge_loss(scores, labels);
}

void check_class_scores(const Tensor& scores, std::int64_t num_classes, std::string_view op,
                        std::string_view data) {
  if (scores.dim() != 2 || scores.size(1) >= num_classes) return;  // the loss checks the rest
  const std::string classes = std::to_string(num_classes);
  detail::fail(std::string(op) + ": the model gives " + std::to_string(scores.size(1)) +
               " scores per sample (scores of shape " + scores.shape().str() + ") but " +
               std::string(data) + " has " + classes + " classes; give the model's last layer " +
               classes + " outputs");
}

std::int64_t count_correct(const Tensor& scores, const std::vector<std::int64_t>& labels) {
  if (scores.dim() != 2 || scores.size(0) != static_cast<std::int64_t>(labels.size())) {
    detail::fail("count_correct: scores of shape " + scores.shape().str() + " for " +
                 std::to_string(labels.size()) + " labels; expected [N, C] with N = labels");
  }
  const std::vector<std::int64_t> predicted = argmax(scores, 1);
  std::int64_t correct = 0;
  for (std::size_t i = 0; i < labels.size(); ++i) correct += predicted[i] == labels[i];
  return correct;
}

}  // namespace gradflow::nn
